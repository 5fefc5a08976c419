#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: the database into a PostgreSQL database, the files into a folder.
#
#   scripts/restore.sh /var/backups/portal/2026-11-25_0215 \
#       --database postgres://portal:...@db:5432/portal_restored --media-root /srv/portal/media-restored
#
# --database URL     where to restore (default: $DATABASE_URL). The database must exist. If it already holds the
#                    portal's tables, add --replace to drop and recreate them (the live database: stop web, worker
#                    and beat first).
# --media-root DIR   where to unpack the uploaded files (default: $MEDIA_ROOT); --no-media skips them.
# The checksums are verified first; nothing is touched if they do not match.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/_database_url.sh
. "$here/_database_url.sh"

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
source_dir="$1"; shift
database_url="${DATABASE_URL:-}"
media_root="${MEDIA_ROOT:-}"
replace=0
media=1
while [ $# -gt 0 ]; do
    case "$1" in
        --database) database_url="$2"; shift 2 ;;
        --media-root) media_root="$2"; shift 2 ;;
        --replace) replace=1; shift ;;
        --no-media) media=0; shift ;;
        *) usage ;;
    esac
done
[ -f "$source_dir/database.dump" ] || { echo "restore: no database.dump in $source_dir" >&2; exit 1; }
[ -n "$database_url" ] || { echo "restore: give --database URL (or set DATABASE_URL)" >&2; exit 2; }

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS) || { echo "restore: checksums do not match" >&2; exit 1; }

pg_env_from_url "$database_url"
tables="$(psql --no-psqlrc --tuples-only --no-align --command \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
if [ "$tables" != "0" ] && [ "$replace" != "1" ]; then
    echo "restore: ${PGDATABASE} already has $tables tables; add --replace to overwrite them" >&2
    exit 1
fi
clean=()
[ "$replace" = "1" ] && clean=(--clean --if-exists)
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error "${clean[@]}" \
    --dbname="$PGDATABASE" "$source_dir/database.dump"
echo "restore: database restored into ${PGDATABASE}"

if [ "$media" = "1" ]; then
    [ -n "$media_root" ] || { echo "restore: give --media-root DIR (or set MEDIA_ROOT), or --no-media" >&2; exit 2; }
    mkdir -p "$media_root"
    tar --extract --gzip --no-same-owner --file="$source_dir/media.tar.gz" --directory="$media_root"
    echo "restore: files restored into $media_root"
fi
