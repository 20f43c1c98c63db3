package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code Content-Type} header value read by the grammar of RFC 9110 §8.3.1: {@code type "/" subtype *( OWS ";"
 * OWS [ name "=" ( token / quoted-string ) ] )}. Type, subtype and parameter names are case-insensitive and kept
 * lower-cased; a value that does not follow the grammar is a 400 naming the header.
 */
record ContentType(String type, String subtype, Map<String, String> parameters) {

  private static final String HEADER = "Content-Type";

  static ContentType parse(String header) {
    Reader in = new Reader(header);
    String type = in.token("a media type");
    in.expect('/');
    String subtype = in.token("a media subtype after the /");
    Map<String, String> parameters = new LinkedHashMap<>();
    while (in.skipSpaces()) {
      in.expect(';');
      if (in.skipSpaces() && in.peek() != ';') {
        String name = in.token("a parameter name").toLowerCase(Locale.ROOT);
        in.expect('=');
        parameters.putIfAbsent(name, in.peek() == '"' ? in.quoted() : in.token("a parameter value"));
      }
    }
    return new ContentType(type.toLowerCase(Locale.ROOT), subtype.toLowerCase(Locale.ROOT), Map.copyOf(parameters));
  }

  boolean isJson() {
    return type.equals("application") && subtype.equals("json");
  }

  /** The {@code charset} parameter, lower-cased, if one was given. */
  Optional<String> charset() {
    return Optional.ofNullable(parameters.get("charset")).map(c -> c.toLowerCase(Locale.ROOT));
  }

  /** Walks the header text; every refusal says what was expected where. */
  private static final class Reader {
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final String text;
    private int at;

    Reader(String text) {
      this.text = text;
    }

    /** Skips spaces and tabs; whether anything is left. */
    boolean skipSpaces() {
      while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
        at++;
      }
      return at < text.length();
    }

    char peek() {
      return at < text.length() ? text.charAt(at) : '\0';
    }

    void expect(char c) {
      if (peek() != c) {
        throw malformed("'" + c + "'");
      }
      at++;
    }

    String token(String what) {
      int start = at;
      while (at < text.length() && isTokenChar(text.charAt(at))) {
        at++;
      }
      if (at == start) {
        throw malformed(what);
      }
      return text.substring(start, at);
    }

    String quoted() {
      StringBuilder value = new StringBuilder();
      at++; // the opening quote
      while (at < text.length() && text.charAt(at) != '"') {
        char c = text.charAt(at++);
        if (c == '\\' && at < text.length()) {
          c = text.charAt(at++);
        }
        value.append(c);
      }
      expect('"');
      return value.toString();
    }

    private ApiException malformed(String expected) {
      return ApiException.invalidField(HEADER, "malformed media type: expected " + expected + " at position " + at);
    }

    private static boolean isTokenChar(char c) {
      return c < 128 && (Character.isLetterOrDigit(c) || TOKEN_SYMBOLS.indexOf(c) >= 0);
    }
  }
}
