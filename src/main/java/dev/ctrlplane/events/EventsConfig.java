package dev.ctrlplane.events;

import java.time.Duration;

/** Events: how long stored events are kept (older ones are pruned by the scheduler). */
public record EventsConfig(Duration retention) {}
