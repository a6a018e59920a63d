# Remote state, configured at init time (partial configuration), e.g. in CI:
#
#   terraform init \
#     -backend-config="bucket=$TF_STATE_BUCKET" \
#     -backend-config="key=assetpack/complete.tfstate" \
#     -backend-config="region=$AWS_REGION" \
#     -backend-config="encrypt=true" \
#     -backend-config="use_lockfile=true"
#
# For a local try-out without a bucket: terraform init -backend=false is enough
# for fmt/validate; delete this file to plan and apply with local state.
terraform {
  backend "s3" {}
}
