package dev.ctrlplane.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Everything this JVM logs while a test class runs, at every level: each event's formatted message and its
 * exception with every cause and stack frame, as the console would print them. Register it before the node, so that
 * the node's start-up is captured too:
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static final LogCapture logs = new LogCapture();
 * @RegisterExtension @Order(2) static final NodeExtension node = new NodeExtension();
 * }</pre>
 */
public final class LogCapture implements BeforeAllCallback, AfterAllCallback {

  private final List<String> lines = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      String line = event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage();
      if (event.getThrowableProxy() != null) {
        line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
      }
      synchronized (lines) {
        lines.add(line);
      }
    }
  };
  private Level rootLevel;
  private Level ownLevel;

  @Override
  public void beforeAll(ExtensionContext context) {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger own = logging.getLogger("dev.ctrlplane");
    rootLevel = root.getLevel();
    ownLevel = own.getLevel();
    root.setLevel(Level.DEBUG);
    own.setLevel(Level.TRACE);
    appender.setContext(logging);
    appender.start();
    root.addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(rootLevel);
    logging.getLogger("dev.ctrlplane").setLevel(ownLevel);
  }

  /** Everything logged so far, one event per line (stack traces on the lines after). */
  public String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }
}
