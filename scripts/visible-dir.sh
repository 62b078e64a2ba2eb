# scripts/visible-dir.sh: sourced by the test and bench scripts.
# visible_dir DIR: print a directory for programs that the sandbox must see.
# The sandbox's /tmp is its own tmpfs, so a build tree under the host's /tmp
# is invisible inside; then a directory under /var/tmp is used instead.
visible_dir() {
    local d
    d=$(mkdir -p "$1" && cd "$1" && pwd -P) || return 1
    case "$d/" in
    /tmp/* | /dev/shm/*)
        d=/var/tmp/sbx-$(id -u)-$(printf %s "$d" | md5sum | cut -c1-12)
        mkdir -p "$d" || return 1
        ;;
    esac
    printf '%s\n' "$d"
}
