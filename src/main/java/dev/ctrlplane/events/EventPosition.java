package dev.ctrlplane.events;

/**
 * Where an event sits in the stream: the id of the transaction that wrote it, then its insert sequence. Readers take
 * only events whose {@code xid} is below the xmin of their snapshot (every transaction with a smaller xid has ended),
 * so once a position is served nothing can appear behind it. {@link #before(long)} is the position just before every
 * event of transactions {@code >= horizon}: what a reader has seen after taking all it could below that horizon.
 */
public record EventPosition(long xid, long seq) implements Comparable<EventPosition> {

  /** Just before every event of transaction {@code horizon} and later: all below the horizon is behind it. */
  public static EventPosition before(long horizon) {
    return new EventPosition(horizon - 1, Long.MAX_VALUE);
  }

  @Override
  public int compareTo(EventPosition other) {
    int byXid = Long.compare(xid, other.xid);
    return byXid != 0 ? byXid : Long.compare(seq, other.seq);
  }

  public boolean isAfter(EventPosition other) {
    return compareTo(other) > 0;
  }

  public static EventPosition max(EventPosition a, EventPosition b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
