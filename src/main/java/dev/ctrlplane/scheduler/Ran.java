package dev.ctrlplane.scheduler;

/** One finished run: the item as claimed and what the run decided. */
public record Ran(ScheduledItem item, Outcome outcome) {}
