"""Load: supplier mails in over HTTP, full supply-disruption instances out, on PostgreSQL.

An API process that executes nothing (``procureflow serve --no-workers``) takes the demo's
motor-delay mail (each made a new message) at ``POST /api/v1/inbox/email``; one, then two
``procureflow worker`` processes run the instances. The driver acts over HTTP as the
people (approvals in their inbox, by digest) and the suppliers (the confirm link of the
request for quote). Each phase starts from a fresh database.

Prints, each beside its target:
* per offered rate: accepted mails/s, accept latency p50/p99 (target p99 ≤ 100 ms below
  saturation), lost / stuck / duplicated (target 0);
* completed instances/s with 1 and 2 workers and their ratio (target ≥ 1.5);
* with ``--memory``: RSS of the API process and of a worker after 200 and after 1,000
  instances (target: within 10 %).

Loopback only; every loop is bounded in count and time.

    python bench/load.py [--instances 120] [--rates 2,5,10] [--memory]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from typing import Any

import httpx
from cluster import (
    Deployment,
    driver_services,
    fresh_database,
    seed_demo_world,
    tally,
    unique_delay_mail,
)

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SETTLED = ("completed", "faulted", "cancelled")
WARM_UP_MAILS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Site:
    """One deployment seen from outside: its URL and the people's tokens."""

    def __init__(self, workers: int) -> None:
        self.deployment = Deployment(fresh_database(SERVER, "procureflow_bench_load"))
        if self.deployment.cli("db", "upgrade").returncode != 0:
            raise SystemExit("db upgrade failed")
        with driver_services(self.deployment) as svc:
            people = seed_demo_world(svc)
            users = svc.extras["users"]
            self.tokens = {uid: users.issue_token(uid, label="bench") for uid in people}
            self.roles = {uid: set(person.roles) for uid, person in people.items()}
        self.port = _free_port()
        self.deployment.start_api(self.port, "--no-workers")
        for index in range(workers):
            self.deployment.start_worker(f"worker-{index + 1}")
        self.confirmed: set[str] = set()
        self.base = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.base, timeout=30)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.http.get("/api/v1/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit("the API did not come up within 60 s")

    def auth(self, role: str) -> dict[str, str]:
        person = next(uid for uid, roles in self.roles.items() if role in roles)
        return {"Authorization": f"Bearer {self.tokens[person]}"}

    def post_mail(self, index: int) -> tuple[float, list[str], int]:
        """Seconds to accept one mail, the instances it started, the HTTP status."""
        started = time.perf_counter()
        answer = self.http.post(
            "/api/v1/inbox/email",
            content=unique_delay_mail(index),
            headers={**self.auth("orchestrator"), "Content-Type": "message/rfc822"},
        )
        seconds = time.perf_counter() - started
        ids = answer.json().get("playbook", {}).get("started", []) if answer.is_success else []
        return seconds, list(ids), answer.status_code

    def act(self, instance_id: str, answered: set[str]) -> str:
        """Act for whoever the instance waits on (an approver, or the suppliers of its
        latest requests for quote, who may be waited on while it shows as running); its
        status."""
        data = self.http.get(
            f"/api/v1/instances/{instance_id}", headers=self.auth("orchestrator")
        ).json()
        if data["status"] in SETTLED:
            return str(data["status"])
        if data["status"] == "waiting":
            pending = self.http.get(
                "/api/v1/approvals", params={"status": "pending"}, headers=self.auth("orchestrator")
            ).json()
            for approval in pending:
                if approval["instance_id"] == instance_id:
                    self.http.post(
                        f"/api/v1/approvals/{approval['id']}/decision",
                        json={"decision": "approve", "digest": approval["digest"]},
                        headers=self.auth(approval["role"]),
                    )
                    return "waiting"
        rounds = [
            t["output"]["rfq"]
            for t in data["tasks"]
            if t["name"] == "requestQuotes" and t["status"] == "completed"
        ]
        for request in rounds[-1]["requests"] if rounds else []:
            if request["rfq_id"] in self.confirmed:
                continue
            path = httpx.URL(request["confirm_url"]).path
            reply = self.http.post(path) if self.http.get(path).is_success else None
            if reply is not None and reply.is_success:
                self.confirmed.add(request["rfq_id"])
                answered.add(instance_id)
        return str(data["status"])

    def close(self) -> None:
        self.http.close()
        self.deployment.stop()


def drive(
    site: Site, ids: list[str], answered: set[str], until: float, settled: set[str] | None = None
) -> float:
    """Act until every instance settled (or the time is up); when the last one settled."""
    done = settled if settled is not None else set()
    open_ids = [i for i in ids if i not in done]
    last = time.monotonic()
    while open_ids and time.monotonic() < until:
        still = []
        for instance_id in open_ids:
            if site.act(instance_id, answered) not in SETTLED:
                still.append(instance_id)
            else:
                done.add(instance_id)
                last = time.monotonic()
        open_ids = still
        time.sleep(0.2)
    return last


def _rss_at_marks(
    site: Site,
    settled: set[str],
    marks: tuple[int, ...],
    out: dict[int, float],
    stop: threading.Event,
) -> None:
    """Record the API process's RSS when the settled count first reaches each mark."""
    while not stop.is_set() and len(out) < len(marks):
        for mark in marks:
            if mark not in out and len(settled) >= mark and site.deployment.api is not None:
                out[mark] = site.deployment.rss_mb(site.deployment.api)
        time.sleep(0.5)


def throughput(
    workers: int, instances: int, minutes: float, marks: tuple[int, ...] = ()
) -> dict[str, Any]:
    """Completed instances/s with ``workers`` workers, the mails sent as fast as taken;
    the API process's RSS when ``marks`` instances had settled."""
    site = Site(workers)
    stop = threading.Event()
    try:
        ids: list[str] = []
        answered: set[str] = set()
        settled: set[str] = set()
        rss: dict[int, float] = {}
        sampler = threading.Thread(
            target=_rss_at_marks, args=(site, settled, marks, rss, stop), daemon=True
        )
        sampler.start()
        first = time.monotonic()
        sender = threading.Thread(
            target=lambda: [ids.extend(site.post_mail(i)[1]) for i in range(instances)]
        )
        sender.start()
        time.sleep(1)
        until = first + minutes * 60
        while sender.is_alive() and time.monotonic() < until:
            drive(site, list(ids), answered, min(until, time.monotonic() + 5), settled)
        sender.join(timeout=60)
        last = drive(site, ids, answered, until, settled)
        time.sleep(1)  # let the sampler see the last mark
        with driver_services(site.deployment) as svc:
            figures = tally(svc.engine, ids, answered)
        return {"rate": figures.completed / max(1e-9, last - first), "tally": figures, "rss": rss}
    finally:
        stop.set()
        site.close()


def offered(rate: float, seconds: float, minutes: float) -> dict[str, Any]:
    """Accept latency and what became of the instances at one offered rate."""
    site = Site(2)
    try:
        latencies: list[float] = []
        statuses: list[int] = []
        ids: list[str] = []
        answered: set[str] = set()
        # the API process's first requests import and compile what it serves lazily: a
        # few warm-up mails, driven and counted like the rest but not timed
        for index in range(WARM_UP_MAILS):
            ids += site.post_mail(-1 - index)[1]
        start = time.monotonic()
        count = int(rate * seconds)
        for index in range(count):
            due = start + index / rate
            time.sleep(max(0.0, due - time.monotonic()))
            took, started, status = site.post_mail(index)
            latencies.append(took)
            statuses.append(status)
            ids += started
        accepted_rate = sum(1 for s in statuses if s < 300) / max(1e-9, time.monotonic() - start)
        drive(site, ids, answered, time.monotonic() + minutes * 60)
        with driver_services(site.deployment) as svc:
            figures = tally(svc.engine, ids, answered)
        ordered = sorted(latencies)
        return {
            "offered": rate,
            "accepted": accepted_rate,
            "p50": statistics.median(ordered) * 1000,
            "p99": ordered[max(0, round(0.99 * len(ordered)) - 1)] * 1000,
            "refused": sum(1 for s in statuses if s == 503),
            "tally": figures,
        }
    finally:
        site.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=120)
    parser.add_argument("--rates", default="2,5,10")
    parser.add_argument("--seconds", type=float, default=15.0, help="per offered rate")
    parser.add_argument("--minutes", type=float, default=10.0, help="bound per phase")
    parser.add_argument("--memory", action="store_true", help="RSS after 200 and 1,000")
    parser.add_argument(
        "--no-throughput", action="store_true", help="only the offered rates (accept latency)"
    )
    args = parser.parse_args()

    print("load bench: supply-disruption instances on PostgreSQL, API process not executing")
    for rate in [float(r) for r in args.rates.split(",")]:
        r = offered(rate, args.seconds, args.minutes)
        t = r["tally"]
        ok = r["p99"] <= 100 and t.lost == t.stuck == t.duplicated == 0
        print(
            f"  offered {r['offered']:5.1f}/s accepted {r['accepted']:5.1f}/s  "
            f"accept p50 {r['p50']:6.1f} ms p99 {r['p99']:6.1f} ms (target ≤ 100)  "
            f"503 {r['refused']}  completed {t.completed}/{t.started} lost {t.lost} "
            f"stuck {t.stuck} duplicated {t.duplicated} (targets 0) -> "
            f"{'meets' if ok else 'BELOW or saturated'}"
        )
    if args.no_throughput:
        return
    one = throughput(1, args.instances, args.minutes)
    two = throughput(2, args.instances, args.minutes)
    ratio = two["rate"] / max(1e-9, one["rate"])
    print(
        f"  completed/s: 1 worker {one['rate']:.2f}, 2 workers {two['rate']:.2f}, "
        f"ratio {ratio:.2f} (target ≥ 1.5: {'meets' if ratio >= 1.5 else 'BELOW'})"
    )
    if args.memory:
        rss = throughput(2, 1000, args.minutes * 5, marks=(200, 1000))["rss"]
        if len(rss) < 2:
            print(f"  API RSS: not measured (only {sorted(rss)} instances settled in time)")
            return
        growth = rss[1000] / rss[200] - 1
        print(
            f"  API RSS after 200 instances: {rss[200]:.0f} MB, after 1,000: {rss[1000]:.0f} MB, "
            f"growth {growth:+.1%} (target within 10 %: "
            f"{'meets' if abs(growth) <= 0.10 else 'BELOW'})"
        )


if __name__ == "__main__":
    main()
