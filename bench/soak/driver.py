#!/usr/bin/env python3
"""The load and the checks of bench/soak.sh (standard library only).

drive:  for --duration seconds, device writers register, refresh, take over tokens and delete devices through DeviceApi
        with the app key (each device with the secret it chose on its creating PUT, each userId with its userIdHash
        keyed with --identity-secret), a notifier posts notifications to device ids, users, topics and segments, now
        or at a sendAt, some of them canceled (half with an Idempotency-Key), a broadcaster posts `all: true` every
        --broadcast-every seconds, and a poller records the last status of every accepted notification. Then it waits for every notification to end and prints PASS/FAIL.
trends: the per-minute samples soak.sh took, as a table, with each series' last quarter against its first.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import socket
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict

FINAL = {"completed", "failed", "canceled"}
stop = threading.Event()


class Answers:
    """Every answer and connection error, by service; the 5xx that are not a 503 with Retry-After, in full."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.connection_errors = Counter()
        self.bad_5xx = []
        self.unexpected = []

    def record(self, service, method, path, status, retry_after, body):
        with self.lock:
            self.counts[(service, status)] += 1
            if status >= 500 and not (status == 503 and retry_after):
                self.bad_5xx.append(f"{time.strftime('%H:%M:%S')} {service} {method} {path} -> {status}: {body[:300]!r}")

    def connection_error(self, service, kind):
        with self.lock:
            self.connection_errors[(service, kind)] += 1

    def surprise(self, line):
        with self.lock:
            self.unexpected.append(f"{time.strftime('%H:%M:%S')} {line}")


answers = Answers()


class Unanswered(Exception):
    pass


class Client:
    """One keep-alive connection to one service, opened again after any error."""

    def __init__(self, service, port, key):
        self.service, self.port, self.key = service, port, key
        self.connection = None

    def call(self, method, path, body=None, headers=None):
        """(status, retry-after, parsed body) or Unanswered (refused, reset or timed out: nothing known of its effect)."""
        all_headers = {"X-Api-Key": self.key, **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            self.connection.request(method, path, payload, all_headers)
            response = self.connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            kind = ("refused" if isinstance(error, ConnectionRefusedError) else
                    "timeout" if isinstance(error, (socket.timeout, TimeoutError)) else "reset")
            answers.connection_error(self.service, kind)
            raise Unanswered(kind) from error
        retry_after = response.getheader("Retry-After")
        answers.record(self.service, method, path, response.status, retry_after, text)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return response.status, retry_after, parsed

    def until_answered(self, method, path, body=None, headers=None, deadline=None):
        """Retries a call whose repetition is harmless until it gets an answer that is not a 5xx; None past the deadline."""
        while deadline is None or time.monotonic() < deadline:
            try:
                status, retry_after, parsed = self.call(method, path, body, headers)
            except Unanswered:
                time.sleep(1)
                continue
            if status < 500:
                return status, parsed
            time.sleep(min(float(retry_after), 5) if retry_after and retry_after.isdigit() else 1)
        return None


class Devices:
    """What the device writers were told: the token each device holds (None: taken over by another device) or deleted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.expected = {}
        self.deleted = set()
        self.uncertain = set()

    def active_ids(self, count):
        with self.lock:
            ids = [d for d, token in self.expected.items() if token is not None]
        return random.sample(ids, min(count, len(ids)))


devices = Devices()
USERS = 200
TOPICS = 20
PLATFORMS = ["android", "ios", "web"]
LOCALES = ["en-US", "de-DE", "ko", "ko-KR"]
PLANS = ["free", "pro"]


def device_secret():
    """A secret the app chooses (API.md: 43-128 base64url characters): a PUT retried after a lost 201 still holds it."""
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


def registration(args, token, **fields):
    """A PUT body with a userId, vouched for by the userIdHash the app's back end computes with the identity secret."""
    user_id = f"soak-u{random.randrange(USERS)}"
    user_id_hash = hmac.new(args.identity_secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return {"fcmToken": token, "userId": user_id, "userIdHash": user_id_hash, **fields}


def device_writer(args, writer):
    client = Client("DeviceApi", args.devices_port, args.app_key)
    mine = []
    secrets = {}
    created = 0

    def holding(device):
        return {"X-Device-Secret": secrets[device]}

    while not stop.is_set():
        began = time.monotonic()
        roll = random.random()
        # An operation that got no answer by the end of the run leaves its device unknown; retrying past it would hang.
        deadline = time.monotonic() + 120
        if len(mine) < 20 or roll < 0.30:
            device, token = f"soak-d{writer}-{created:06d}", f"soak-t{writer}-{created}-{uuid.uuid4().hex[:12]}"
            created += 1
            secrets[device] = device_secret()
            body = registration(args, token, platform=random.choice(PLATFORMS), locale=random.choice(LOCALES),
                                tags={"plan": random.choice(PLANS)})
            outcome = client.until_answered("PUT", f"/api/devices/{device}", body, holding(device), deadline)
            settle(device, outcome, {200, 201}, token, "PUT new")
            if outcome is not None and outcome[0] in (200, 201):
                mine.append(device)
        elif roll < 0.65:
            device, token = random.choice(mine), f"soak-t{writer}-r-{uuid.uuid4().hex}"
            settle(device, client.until_answered("PATCH", f"/api/devices/{device}/token", {"fcmToken": token}, holding(device), deadline),
                   {200}, token, "PATCH refresh")
        elif roll < 0.80:
            # A takeover: the token of one device is registered by another, which leaves the first without a token.
            donor, taker = random.sample(mine, 2)
            with devices.lock:
                token = devices.expected.get(donor)
            if token is None:
                continue
            outcome = client.until_answered("PATCH", f"/api/devices/{taker}/token", {"fcmToken": token}, holding(taker), deadline)
            settle(taker, outcome, {200}, token, "PATCH takeover")
            if outcome is not None and outcome[0] == 200:
                with devices.lock:
                    devices.expected[donor] = None
        elif roll < 0.92:
            device, token = random.choice(mine), f"soak-t{writer}-p-{uuid.uuid4().hex}"
            body = registration(args, token, platform="android", appVersion="2.0.0")
            settle(device, client.until_answered("PUT", f"/api/devices/{device}", body, holding(device), deadline), {200}, token, "PUT again")
        else:
            device = mine.pop(random.randrange(len(mine)))
            outcome = client.until_answered("DELETE", f"/api/devices/{device}", headers=holding(device), deadline=deadline)
            with devices.lock:
                if outcome is not None and outcome[0] == 204:
                    devices.expected.pop(device, None)
                    devices.deleted.add(device)
                else:
                    devices.uncertain.add(device)
            if outcome is not None and outcome[0] != 204:
                answers.surprise(f"DELETE {device} -> {outcome[0]}")
        time.sleep(max(0.0, 1 / args.device_rate - (time.monotonic() - began)))


def settle(device, outcome, wanted, token, what):
    with devices.lock:
        if outcome is not None and outcome[0] in wanted:
            devices.expected[device] = token
            return
        devices.uncertain.add(device)
    if outcome is not None:
        answers.surprise(f"{what} {device} -> {outcome[0]} {json.dumps(outcome[1])[:200]}")


class Notifications:
    """Every accepted notification id with the last status seen, and the ones answered 404 before they ended."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = {}
        self.kind = {}
        self.deleted_after_end = set()
        self.lost = {}
        self.canceled = set()

    def accepted(self, notification_id, kind):
        with self.lock:
            self.last.setdefault(notification_id, "accepted")
            self.kind[notification_id] = kind

    def open_ids(self):
        with self.lock:
            return [n for n, status in self.last.items() if status not in FINAL and n not in self.lost]


notifications = Notifications()


def send_at(seconds_ahead):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds_ahead))


def post_notification(client, target, kind, keyed, **timing):
    """Posts one notification with a payload no other has; returns its id when accepted. With a key it is retried until
    answered (a replay answers 200 with the same notification); without one, an unanswered POST is not repeated: it may
    have been stored."""
    body = {"target": target, "notification": {"title": f"soak {kind}", "body": "hello"}, "data": {"soakId": uuid.uuid4().hex}, **timing}
    if not keyed:
        try:
            status, _, parsed = client.call("POST", "/api/notifications", body)
        except Unanswered:
            return None
        if status == 202:
            notifications.accepted(parsed["id"], kind)
            return parsed["id"]
        if status != 503:
            answers.surprise(f"POST {kind} -> {status} {json.dumps(parsed)[:200]}")
        return None
    headers = {"Idempotency-Key": f"soak-{uuid.uuid4().hex}"}
    outcome = client.until_answered("POST", "/api/notifications", body, headers, deadline=time.monotonic() + 120)
    if outcome is None:
        return None
    status, parsed = outcome
    if status not in (200, 202):
        answers.surprise(f"POST {kind} with key -> {status} {json.dumps(parsed)[:200]}")
        return None
    notifications.accepted(parsed["id"], kind)
    if random.random() < 0.2:
        replay = client.until_answered("POST", "/api/notifications", body, headers, deadline=time.monotonic() + 120)
        if replay is not None and (replay[0] != 200 or replay[1]["id"] != parsed["id"]):
            answers.surprise(f"replay of {parsed['id']} -> {replay[0]} {json.dumps(replay[1])[:200]}")
    return parsed["id"]


def cancel_later(args, notification_id, delay):
    """Cancels a notification after `delay` seconds: 200 and canceled, or 409 when it ended first; a 200 must stay canceled."""
    if stop.wait(delay):
        return
    client = Client("NotificationApi", args.api_port, args.admin_key)
    outcome = client.until_answered("POST", f"/api/notifications/{notification_id}/cancel", deadline=time.monotonic() + 120)
    if outcome is None:
        return
    status, parsed = outcome
    if status == 200 and parsed.get("status") == "canceled":
        with notifications.lock:
            notifications.canceled.add(notification_id)
    elif status != 409:
        answers.surprise(f"cancel of {notification_id} -> {status} {json.dumps(parsed)[:200]}")


def notifier(args):
    client = Client("NotificationApi", args.api_port, args.admin_key)
    while not stop.is_set():
        began = time.monotonic()
        roll = random.random()
        if roll < 0.45:
            ids = devices.active_ids(random.randint(1, 5))
            if not ids:
                time.sleep(0.5)
                continue
            post_notification(client, {"deviceIds": ids}, "deviceIds", random.random() < 0.5)
        elif roll < 0.65:
            post_notification(client, {"userId": f"soak-u{random.randrange(USERS)}"}, "userId", random.random() < 0.5)
        elif roll < 0.7:
            segment = {"platform": [random.choice(PLATFORMS)], "locale": [random.choice(["ko", "de"])], "tags": {"plan": random.choice(PLANS)}}
            post_notification(client, {"segment": segment}, "segment", random.random() < 0.5)
        elif roll < 0.8:
            post_notification(client, {"topic": f"soak-topic-{random.randrange(TOPICS)}"}, "topic", random.random() < 0.5)
        elif roll < 0.9:
            post_notification(client, {"userId": f"soak-u{random.randrange(USERS)}"}, "scheduled", random.random() < 0.5,
                              sendAt=send_at(random.uniform(2, 10)))
        else:
            scheduled = post_notification(client, {"userId": f"soak-u{random.randrange(USERS)}"}, "canceled", random.random() < 0.5,
                                          sendAt=send_at(random.uniform(2, 6)))
            if scheduled is not None:
                threading.Thread(target=cancel_later, args=(args, scheduled, random.uniform(0, 8)), daemon=True).start()
        time.sleep(max(0.0, 1 / args.notification_rate - (time.monotonic() - began)))


def broadcaster(args, started):
    client = Client("NotificationApi", args.api_port, args.admin_key)
    due = started + args.first_broadcast
    while not stop.wait(max(0.0, due - time.monotonic())):
        print(f"driver: broadcast at {time.monotonic() - started:.0f} s", flush=True)
        post_notification(client, {"all": True}, "all", keyed=True)
        due += args.broadcast_every


def poller(args):
    """Polls every notification that has not ended; a 404 after an end was seen is retention, before it a loss."""
    client = Client("NotificationApi", args.api_port, args.admin_key)
    while not (stop.is_set() and not notifications.open_ids()) and not drained.is_set():
        for notification_id in notifications.open_ids():
            try:
                status, _, parsed = client.call("GET", f"/api/notifications/{notification_id}")
            except Unanswered:
                time.sleep(1)
                break
            with notifications.lock:
                if status == 200:
                    notifications.last[notification_id] = parsed["status"]
                elif status == 404:
                    notifications.lost[notification_id] = notifications.last[notification_id]
        time.sleep(0.5)


drained = threading.Event()


def check_devices(args):
    client = Client("DeviceApi", args.devices_port, args.admin_key)
    missing, wrong, undeleted = [], [], []
    with devices.lock:
        expected, deleted, uncertain = dict(devices.expected), set(devices.deleted), set(devices.uncertain)
    for device, token in expected.items():
        if device in uncertain:
            continue
        outcome = client.until_answered("GET", f"/api/devices/{device}", deadline=time.monotonic() + 120)
        if outcome is None or outcome[0] != 200:
            missing.append(f"{device} -> {outcome and outcome[0]}")
            continue
        stored = outcome[1]
        if token is None and (stored["status"], stored.get("invalidReason")) != ("invalid", "token_reassigned"):
            wrong.append(f"{device}: taken over, but {stored['status']} {stored.get('invalidReason')} {stored.get('fcmToken')}")
        elif token is not None and (stored["fcmToken"], stored["status"]) != (token, "active"):
            wrong.append(f"{device}: expected active {token}, found {stored['status']} {stored.get('fcmToken')}")
    for device in deleted - uncertain:
        outcome = client.until_answered("GET", f"/api/devices/{device}", deadline=time.monotonic() + 120)
        if outcome is None or outcome[0] != 404:
            undeleted.append(f"{device} -> {outcome and outcome[0]}")
    return len(expected), len(deleted), len(uncertain), missing, wrong, undeleted


def drive(args):
    started = time.monotonic()
    threads = [threading.Thread(target=device_writer, args=(args, w), daemon=True) for w in range(args.device_writers)]
    threads += [threading.Thread(target=notifier, args=(args,), daemon=True),
                threading.Thread(target=broadcaster, args=(args, started), daemon=True)]
    poll = threading.Thread(target=poller, args=(args,), daemon=True)
    for thread in threads + [poll]:
        thread.start()
    stop.wait(args.duration)
    stop.set()
    for thread in threads:
        thread.join()
    print(f"driver: load stopped; waiting up to {args.drain_timeout} s for every notification to end", flush=True)
    poll.join(args.drain_timeout)
    drained.set()
    poll.join()

    failures = 0

    def verdict(ok, line):
        nonlocal failures
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} {line}", flush=True)

    with notifications.lock:
        last, kinds, lost = dict(notifications.last), dict(notifications.kind), dict(notifications.lost)
        canceled = set(notifications.canceled)
    by_kind = Counter(kinds.values())
    ended = sum(status in FINAL for status in last.values())
    unfinished = [f"{n} ({kinds[n]}, last seen {status})" for n, status in last.items() if status not in FINAL and n not in lost]
    verdict(not lost and not unfinished,
            f"notifications: {len(last)} accepted ({', '.join(f'{k} {c}' for k, c in sorted(by_kind.items()))}), {ended} seen ended "
            f"({Counter(s for s in last.values() if s in FINAL)}), {len(lost)} gone (404) before they ended, {len(unfinished)} not ended")
    for notification_id, status in list(lost.items())[:20]:
        print(f"  lost: {notification_id} ({kinds[notification_id]}), last seen {status}")
    for line in unfinished[:20]:
        print(f"  not ended: {line}")
    uncanceled = [n for n in canceled if last.get(n) != "canceled" and n not in lost]
    verdict(not uncanceled, f"cancels: {len(canceled)} answered 200, {len(uncanceled)} of them ended otherwise than canceled")
    for notification_id in uncanceled[:20]:
        print(f"  canceled but {last[notification_id]}: {notification_id}")

    known, deleted, uncertain, missing, wrong, undeleted = check_devices(args)
    verdict(not missing and not wrong and not undeleted,
            f"devices: {known} acknowledged writes checked, {len(missing)} missing, {len(wrong)} with another token or status than the last "
            f"acknowledged write; {deleted} deleted by the driver, {len(undeleted)} still there; {uncertain} left unanswered at the end (not checked)")
    for line in (missing + wrong + undeleted)[:20]:
        print(f"  {line}")

    stats = Client("FcmEmulator", args.emulator_port, "").until_answered("GET", "/emulator/stats")[1]
    events = [line.split() for line in open(args.events) if line.strip()]
    api_faults = sum(1 for e in events if len(e) == 3 and e[1] == "NotificationApi")
    bound = args.window * api_faults
    verdict(stats.get("duplicates", 0) <= bound,
            f"duplicates: {stats.get('duplicates')} of {stats['accepted']} messages the emulator accepted; at most {bound} allowed "
            f"({args.window} in flight × {api_faults} NotificationApi kills/restarts of {len(events)} faults: "
            f"{', '.join(' '.join(e[1:]) for e in events)})")

    with answers.lock:
        counts, errors, bad, unexpected = Counter(answers.counts), Counter(answers.connection_errors), list(answers.bad_5xx), list(answers.unexpected)
    outage = {service: c for (service, status), c in counts.items() if status == 503}
    verdict(not bad, f"5xx other than 503 with Retry-After: {len(bad)}; 503 with Retry-After: {outage or 0}; "
                     f"connection errors while a part was down (not answers): {dict(errors) or 0}")
    for line in bad[:20]:
        print(f"  {line}")
    verdict(not unexpected, f"unexpected answers (a 4xx to a call that should succeed, a replay with another notification): {len(unexpected)}")
    for line in unexpected[:20]:
        print(f"  {line}")
    print("answers: " + ", ".join(f"{service} {status}: {c}" for (service, status), c in sorted(counts.items())))
    return 1 if failures else 0


def trends(args):
    """Prints every series by minute; after --skip-minutes, the mean of the last quarter must be ≤ 1.2 × the first's.
    Small absolute changes pass: a stream of 3 entries after 2 is not a trend."""
    series = defaultdict(dict)
    for line in open(args.samples):
        minute, name, value = line.rstrip("\n").split("\t")
        if value:
            series[name][int(minute)] = float(value)
    minutes = sorted({m for values in series.values() for m in values})
    print("trends (per minute; rss_mb <part>#<start>: one process lifetime):")
    print(f"{'series':<44}" + "".join(f"{m:>9}" for m in minutes))
    for name in sorted(series):
        print(f"{name:<44}" + "".join(f"{series[name][m]:>9.0f}" if m in series[name] else f"{'':>9}" for m in minutes))
    failures = 0
    for name in sorted(series):
        values = [v for m, v in sorted(series[name].items()) if m >= args.skip_minutes]
        if len(values) < 4:
            continue
        quarter = len(values) // 4
        first, last = sum(values[:quarter]) / quarter, sum(values[-quarter:]) / quarter
        floor = 16 if name.startswith(("rss_mb", "redis_used_memory_mb")) else 1000
        ok = last <= 1.2 * first or last - first <= floor
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} trend {name}: last quarter {last:.0f}, first quarter {first:.0f} (from minute {args.skip_minutes})")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("drive")
    for name in ("devices-port", "api-port", "emulator-port", "duration", "first-broadcast", "broadcast-every", "drain-timeout", "window"):
        d.add_argument(f"--{name}", type=int, required=True)
    d.add_argument("--admin-key", required=True)
    d.add_argument("--app-key", required=True)
    d.add_argument("--identity-secret", required=True)
    d.add_argument("--events", required=True)
    d.add_argument("--device-writers", type=int, default=2)
    d.add_argument("--device-rate", type=float, default=10, help="operations per second per device writer")
    d.add_argument("--notification-rate", type=float, default=3, help="notifications per second")
    t = commands.add_parser("trends")
    t.add_argument("--samples", required=True)
    t.add_argument("--skip-minutes", type=int, required=True)
    args = parser.parse_args()
    sys.exit(drive(args) if args.command == "drive" else trends(args))


if __name__ == "__main__":
    main()
