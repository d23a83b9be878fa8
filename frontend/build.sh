#!/usr/bin/env bash
# Builds the council-branded GOV.UK Frontend files into ../static (committed, so
# no Node is needed at run time) and vendors axe-core for browser tests.
# Usage: bash frontend/build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
govuk="$here/node_modules/govuk-frontend/dist/govuk"

cd "$here"
# No install scripts are needed (sass's optional file watcher builds from source).
npm ci --ignore-scripts --no-audit --no-fund

mkdir -p "$root/static/css" "$root/static/js" "$root/static/assets/images" \
  "$root/tests/system/vendor"

npx --no-install sass --load-path=node_modules --style=compressed --no-source-map \
  scss/app.scss "$root/static/css/app.css"

# Drop the source map comment: we ship no maps, and collectstatic's manifest
# storage fails on references to files that are missing.
sed -e 's|//# sourceMappingURL=.*$||' "$govuk/govuk-frontend.min.js" \
  > "$root/static/js/govuk-frontend.min.js"

# Only the council's own icon: GOV.UK's favicons and crest show the crown, and
# the GDS Transport fonts are for GOV.UK services only.
cp assets/favicon.svg "$root/static/assets/images/favicon.svg"

cp node_modules/axe-core/axe.min.js "$root/tests/system/vendor/axe.min.js"

echo "Built static/css/app.css, static/js/govuk-frontend.min.js, static/assets/," \
  "tests/system/vendor/axe.min.js"
