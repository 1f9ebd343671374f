#!/bin/sh
# One image, three roles. Configuration comes from the environment (.env.example).
set -e
case "${1:-api}" in
  api) exec node dist/apps/api/src/main.js ;;
  worker) exec node dist/apps/worker/src/main.js ;;
  migrate) exec node dist/scripts/migrate.js ;;
  *) exec "$@" ;;
esac
