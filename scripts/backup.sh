#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT), into
# one dated folder per run; folders older than BACKUP_KEEP_DAYS are removed, the newest BACKUP_KEEP_MIN always kept.
#
#   DATABASE_URL=postgres://portal:...@db:5432/portal MEDIA_ROOT=/srv/portal/media \
#   BACKUP_DIR=/var/backups/portal scripts/backup.sh
#
# Result: $BACKUP_DIR/2026-11-25_0215/{database.dump,media.tar.gz,MANIFEST,SHA256SUMS}. A run that fails leaves
# only a *.partial folder, which the next run removes. Restore with scripts/restore.sh (docs/operations.md).
set -euo pipefail
umask 077
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/_database_url.sh
. "$here/_database_url.sh"

: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/portal}"
MEDIA_ROOT="${MEDIA_ROOT:-$here/../var/media}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
KEEP_MIN="${BACKUP_KEEP_MIN:-3}"

stamp="$(date +%Y-%m-%d_%H%M%S)"
target="$BACKUP_DIR/$stamp"
work="$target.partial"
mkdir -p "$BACKUP_DIR"
rm -rf "$BACKUP_DIR"/*.partial
mkdir "$work"

pg_env_from_url "$DATABASE_URL"
# The database first, then the files: a file uploaded in between is only an extra file, never a missing one.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$work/database.dump"
if [ -d "$MEDIA_ROOT" ]; then
    tar --create --gzip --file="$work/media.tar.gz" --directory="$MEDIA_ROOT" .
else
    echo "backup: MEDIA_ROOT $MEDIA_ROOT does not exist; writing an empty media archive" >&2
    tar --create --gzip --file="$work/media.tar.gz" --files-from=/dev/null
fi
{
    echo "created=$(date --iso-8601=seconds)"
    echo "host=$(hostname)"
    echo "database=${PGDATABASE:-} on ${PGHOST:-local}:${PGPORT:-5432}"
    echo "media_root=$MEDIA_ROOT"
    echo "media_files=$(tar --list --gzip --file="$work/media.tar.gz" | grep -vc '/$' || true)"
    echo "code=$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$work/MANIFEST"
(cd "$work" && sha256sum database.dump media.tar.gz MANIFEST > SHA256SUMS)
mv "$work" "$target"

# Retention: by age, but never below the KEEP_MIN newest complete backups.
mapfile -t backups < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9][0-9][0-9][0-9]-*' \
    ! -name '*.partial' -printf '%f\n' | sort -r)
for old in "${backups[@]:$KEEP_MIN}"; do
    if [ -n "$(find "$BACKUP_DIR/$old" -maxdepth 0 -mtime +"$KEEP_DAYS")" ]; then
        rm -rf "${BACKUP_DIR:?}/$old"
        echo "backup: removed $old (older than $KEEP_DAYS days)"
    fi
done
echo "backup: $target"
