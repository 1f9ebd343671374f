#!/bin/sh
# One image, several roles. Configuration comes from the environment (docker/guichet.env.example, .env.example).
set -e
role="${1:-api}"
[ $# -gt 0 ] && shift
case "$role" in
  api) exec node dist/apps/api/src/main.js ;;
  worker) exec node dist/apps/worker/src/main.js ;;
  migrate) exec node dist/scripts/migrate.js ;;
  # The command-line tools of the README: `docker compose run --rm migrate admin reindex`.
  admin | forms | tokens) exec node "dist/scripts/$role.js" "$@" ;;
  *) exec "$role" "$@" ;;
esac
