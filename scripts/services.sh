#!/usr/bin/env bash
# Start PostgreSQL, Redis and a Docker engine when they are not running (root on Debian: installs
# missing apt packages). Prints one line per service. Exit status 1 when one could not be started.
set -uo pipefail
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq >/dev/null 2>&1; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}
wait_for() { for _ in $(seq "$1"); do eval "$2" >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }
failed=0

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! command -v pg_isready >/dev/null || ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  for v in $(ls /etc/postgresql 2>/dev/null); do pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1; done
  wait_for 30 pg_up
fi
if pg_up; then
  # A password for TCP connections; harmless where the server trusts local connections.
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
  echo "postgresql: running on 127.0.0.1:5432"
else echo "postgresql: NOT RUNNING"; failed=1; fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }
if ! command -v redis-cli >/dev/null || ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1
  wait_for 15 redis_up
fi
if redis_up; then echo "redis: running on 127.0.0.1:6379"; else echo "redis: NOT RUNNING"; failed=1; fi

docker_up() { docker info; }
if ! command -v docker >/dev/null || ! docker_up >/dev/null 2>&1; then
  command -v dockerd >/dev/null || apt_install docker.io
  mkdir -p /var/log
  nohup dockerd --iptables=false --bridge=none --storage-driver=overlay2 >/var/log/podium-dockerd.log 2>&1 &
  wait_for 60 docker_up
fi
if docker_up >/dev/null 2>&1; then echo "docker: engine running"; else echo "docker: NOT RUNNING (see /var/log/podium-dockerd.log)"; failed=1; fi
exit $failed
