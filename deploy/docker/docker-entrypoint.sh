#!/bin/sh
# Starts the silo. Orleans needs an IP address that the other silos reach this one at; in a container that is the
# container's own address on its network, known only at run time: Circul__Orleans__AdvertisedAddress unset or
# "auto" resolves this container's hostname (Docker maps it to the container's address in /etc/hosts).
set -eu

if [ -z "${Circul__Orleans__AdvertisedAddress:-}" ] || [ "${Circul__Orleans__AdvertisedAddress}" = auto ]; then
    host="${HOSTNAME:-$(cat /etc/hostname)}"
    address=""
    for candidate in $(getent ahostsv4 "$host" | cut -d ' ' -f 1); do
        case "$candidate" in
            127.*) ;;
            *) address="$candidate"; break ;;
        esac
    done
    if [ -z "$address" ]; then
        echo "circul-entrypoint: cannot resolve this container's address ($host); set Circul__Orleans__AdvertisedAddress" >&2
        exit 1
    fi
    export Circul__Orleans__AdvertisedAddress="$address"
fi

exec dotnet /app/Circul.Silo.dll "$@"
