#!/bin/sh
# Entrypoint of the grafana service (docker-compose.yml): no admin/admin default. The admin
# password is GRAFANA_ADMIN_PASSWORD, or one generated at the first start, kept in Grafana's
# data folder (Grafana only applies the admin password when it creates its database, so a
# fresh password on every start would be a lie) and printed in the logs.
set -eu
store=/var/lib/grafana/.lab-admin-password
if [ -n "${GRAFANA_ADMIN_PASSWORD:-}" ]; then
  GF_SECURITY_ADMIN_PASSWORD="$GRAFANA_ADMIN_PASSWORD"
  echo "lab: Grafana admin password taken from GRAFANA_ADMIN_PASSWORD (user admin)"
elif [ -s "$store" ]; then
  GF_SECURITY_ADMIN_PASSWORD="$(cat "$store")"
  echo "lab: Grafana admin password (user admin, generated at first start, kept in $store): $GF_SECURITY_ADMIN_PASSWORD"
else
  GF_SECURITY_ADMIN_PASSWORD="$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24)"
  (umask 077 && printf '%s' "$GF_SECURITY_ADMIN_PASSWORD" >"$store")
  echo "lab: GRAFANA_ADMIN_PASSWORD is unset; generated Grafana admin password (user admin): $GF_SECURITY_ADMIN_PASSWORD"
fi
unset GRAFANA_ADMIN_PASSWORD
export GF_SECURITY_ADMIN_PASSWORD
exec /run.sh "$@"
