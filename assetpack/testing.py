"""Helpers for recording and replaying Custodian runs with placebo.

placebo replays each operation's responses in order, so a run must make its calls
in the same order as when it was recorded: Custodian's thread pools are swapped
for its own main-thread executor while recording and replaying.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serial_execution() -> Iterator[None]:
    from c7n.element import Element
    from c7n.executor import MainThreadExecutor
    from c7n.manager import ResourceManager

    saved = Element.executor_factory, ResourceManager.executor_factory
    Element.executor_factory = ResourceManager.executor_factory = MainThreadExecutor
    try:
        yield
    finally:
        Element.executor_factory, ResourceManager.executor_factory = saved


def patch_placebo() -> None:
    """placebo 0.10's fake response predates botocore's GetBucketLocation handler,
    which reads ``raw``; None tells that handler the parsed response is complete."""
    import placebo.pill

    placebo.pill.FakeHttpResponse.raw = None
