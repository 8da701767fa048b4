#!/bin/bash
# Runs once, when the volume is empty: one login and one database per service (ticketing_<service>, owned by
# that login), the passwords from the db-<service> Secrets. The services migrate their own databases.
set -euo pipefail
for service in auth tickets orders payments; do
  password_variable="${service^^}_DB_PASSWORD"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set service="$service" --set password="${!password_variable}" --set database="ticketing_$service" <<'SQL'
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"service";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done
