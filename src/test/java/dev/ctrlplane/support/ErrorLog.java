package dev.ctrlplane.support;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Records what this JVM logs at ERROR (on the root logger, so every node in the JVM and Vert.x itself) from before
 * the class's first test to after its last; {@link #assertNone()} fails naming each line. Register it before the
 * node's extension, so it also sees the node start:
 *
 * <pre>{@code
 * @RegisterExtension @Order(0) static final ErrorLog errors = new ErrorLog();
 * }</pre>
 */
public final class ErrorLog implements BeforeAllCallback, AfterAllCallback {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    appender.setName("error-log-" + context.getDisplayName());
    appender.start();
    root().addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    root().detachAppender(appender);
    appender.stop();
  }

  /** Fails with every ERROR line logged so far, its logger, message and exception. */
  public void assertNone() {
    List<ILoggingEvent> errors;
    synchronized (appender) {
      errors = appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
    }
    if (!errors.isEmpty()) {
      fail(errors.size() + " line(s) logged at ERROR:\n" + errors.stream()
          .map(e -> e.getLoggerName() + " - " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
                  + e.getThrowableProxy().getMessage() + ")"))
          .collect(Collectors.joining("\n")));
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
