# test_stack_orphans.sh — as root, scripts/stack.sh start deletes the
# clusters left by stack directories that are gone (a CI clone removed, a
# worktree deleted), and nothing else: in a directory of clusters of its own
# (STACK_CLUSTERS, not /var/lib/jiesu, whose clusters are other checkouts'),
#   - gone: two clusters whose recorded directory no longer exists, one
#     recorded by an older stack.sh (the checkout file's sentence only, a path
#     with a space and Chinese characters), one with stack.dir and a stale
#     postmaster.pid (its process ended);
#   - kept: a cluster whose directory exists, one whose postmaster runs, one
#     whose name is not the hash of the path it records, one whose checkout
#     file says something else, a directory without a checkout file;
#   - start says in one line how many it deleted and how much space that freed;
#     the cluster it makes records its directory in stack.dir, exactly.
# Sourced by tests/run.sh (uses tests/harness.sh).

if [ "$(id -u)" = 0 ]; then
    orphans_root=$(mktemp -d)
    chmod 755 "$orphans_root"                   # the postgres user reaches its cluster in it
    clusters=$orphans_root/clusters
    mkdir -p "$clusters"
    hash_of() { printf '%s' "$1" | sha256sum | cut -c1-16; }
    # fake_cluster NAME DIR: a cluster directory NAME (under $clusters) of an
    # older stack.sh, recording DIR; a megabyte of data in pg/.
    fake_cluster() {
        mkdir -p "$clusters/$1/pg"
        printf 'the PostgreSQL cluster of %s (scripts/stack.sh)\n' "$2" >"$clusters/$1/checkout"
        echo 16 >"$clusters/$1/pg/PG_VERSION"
        head -c 1048576 /dev/zero >"$clusters/$1/pg/data"
    }
    old_gone="$orphans_root/检出 a/var/stack"
    new_gone=$orphans_root/b/var/stack
    here=$orphans_root/c/var/stack
    running=$orphans_root/d/var/stack
    fake_cluster "$(hash_of "$old_gone")" "$old_gone"
    fake_cluster "$(hash_of "$new_gone")" "$new_gone"
    printf '%s' "$new_gone" >"$clusters/$(hash_of "$new_gone")/stack.dir"
    printf '%s\n' "$(sh -c 'echo $$')" >"$clusters/$(hash_of "$new_gone")/pg/postmaster.pid"
    mkdir -p "$here"; fake_cluster "$(hash_of "$here")" "$here"
    fake_cluster "$(hash_of "$running")" "$running"
    printf '%s\n' "$$" >"$clusters/$(hash_of "$running")/pg/postmaster.pid"
    fake_cluster 0123456789abcdef "$orphans_root/e/var/stack"
    fake_cluster "$(hash_of "$orphans_root/f")" "$orphans_root/f"
    echo "a cluster of something else" >"$clusters/$(hash_of "$orphans_root/f")/checkout"
    mkdir -p "$clusters/notes"

    mine=$orphans_root/mine/stack
    STACK_CLUSTERS=$clusters STACK_FAST=1 "$REPO/scripts/stack.sh" start "$mine" "$(free_port)" "$(free_port)" \
        >/dev/null 2>"$HARNESS_DIR/orphans.err"
    check_eq "start as root works beside the clusters of other directories" 0 "$?"
    check "the cluster of a directory that is gone (an older stack.sh's record, a space, Chinese) is deleted" \
        test ! -e "$clusters/$(hash_of "$old_gone")"
    check "... and one recorded in stack.dir, its postmaster.pid stale" test ! -e "$clusters/$(hash_of "$new_gone")"
    check "the cluster of a directory that exists is kept" test -s "$clusters/$(hash_of "$here")/pg/data"
    check "... and one whose postmaster runs" test -s "$clusters/$(hash_of "$running")/pg/data"
    check "... and one not named by the hash of its path" test -s "$clusters/0123456789abcdef/pg/data"
    check "... and one whose checkout file says something else" test -s "$clusters/$(hash_of "$orphans_root/f")/pg/data"
    check "... and a directory without a checkout file" test -d "$clusters/notes"
    check "start says what it deleted, in one line" \
        grep -Eq '^stack: 删除了 .*clusters 下 2 个 PostgreSQL 集群（它们所属的目录已不存在），腾出 2\.[0-9]MB 磁盘空间$' \
        "$HARNESS_DIR/orphans.err"
    check_eq "the new cluster records its directory in stack.dir, exactly" "$mine" \
        "$(cat "$clusters/$(hash_of "$mine")/stack.dir" 2>/dev/null)"
    STACK_CLUSTERS=$clusters "$REPO/scripts/stack.sh" clean "$mine"
    check "clean deletes the new cluster" test ! -e "$clusters/$(hash_of "$mine")"
    rm -rf "$orphans_root"
else
    echo "  skip the checks of clusters left behind: not root (clusters are kept apart as root only)"
fi
