# Shared by bin/demo and bin/test: find or install uv, never download a Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UV_PYTHON_DOWNLOADS=never

# `uv --version`, not `command -v uv`: a version manager's shim may exist for another Python.
if uv --version >/dev/null 2>&1; then
  UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
  UV=(python3 -m uv)
else
  echo "Installing uv (the Python package manager) for $(python3 --version)..."
  python3 -m pip install --quiet --disable-pip-version-check uv
  UV=(python3 -m uv)
fi

"${UV[@]}" sync --frozen --quiet
