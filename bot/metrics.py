"""Prometheus metrics, one registry per application so tests and replicas never share state."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST
_JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


@dataclass
class Metrics:
    """The server's counters, gauges and histograms."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        reg = self.registry
        self.deliveries = Counter(
            "shipshape_deliveries", "Webhook deliveries by event and outcome",
            ["event", "outcome"], registry=reg)
        self.queue_depth = Gauge("shipshape_queue_depth", "Jobs waiting in the queue",
                                 registry=reg)
        self.jobs_running = Gauge("shipshape_jobs_running", "Jobs being worked on",
                                  registry=reg)
        self.dead_letters = Gauge("shipshape_dead_letter_jobs",
                                  "Jobs given up on: takers kept dying, or still failing "
                                  "after the retry time", registry=reg)
        self.jobs = Counter("shipshape_jobs", "Jobs finished by outcome", ["outcome"],
                            registry=reg)
        self.job_duration = Histogram("shipshape_job_duration_seconds",
                                      "Time from a job's start to its last write",
                                      buckets=_JOB_BUCKETS, registry=reg)
        self.github_calls = Counter("shipshape_github_calls",
                                    "GitHub REST requests by method and status",
                                    ["method", "status"], registry=reg)
        self.job_retries = Counter("shipshape_job_retries",
                                   "Jobs put back in the queue after a passing failure, by kind",
                                   ["kind"], registry=reg)
        self.circuit_opened = Counter("shipshape_circuit_opened",
                                      "Times an installation's circuit breaker opened",
                                      registry=reg)
        self.github_retries = Counter("shipshape_github_retries",
                                      "GitHub requests retried, by reason", ["reason"],
                                      registry=reg)

    def render(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)
