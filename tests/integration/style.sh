# Code rules that a tool can check: no banned functions in production code,
# no paths of the development machine in the tree.
. "$(dirname "$0")/../lib.sh"

check_cmd "no banned functions in src/" "$ROOT/scripts/check-style.sh"
leaks=$(cd "$ROOT" && git grep -nE '/(work|farm)/' -- . ':!*.md' 2>/dev/null | head -5)
check_eq "no machine-specific paths in the tree" "" "$leaks"
