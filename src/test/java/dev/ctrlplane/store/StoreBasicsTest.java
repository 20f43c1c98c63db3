package dev.ctrlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.bus.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreBasicsTest {

  @Test
  void typeIdsHaveThePrefixAndSortByCreation() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(TypeId.generate("inst"));
    }
    for (String id : ids) {
      assertTrue(id.matches("inst_[0-7][0-9a-hjkmnp-tv-z]{25}"), id);
      assertTrue(TypeId.isValid("inst", id));
      assertFalse(TypeId.isValid("ten", id));
    }
    String early = TypeId.generate("evt");
    String later = new Object() {
      String after() {
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() == start) {
          Thread.onSpinWait();
        }
        return TypeId.generate("evt");
      }
    }.after();
    assertTrue(early.compareTo(later) < 0, "ids from a later millisecond sort after");
  }

  @Test
  void malformedIdsAreNotIds() {
    assertFalse(TypeId.isValid("inst", "inst_"));
    assertFalse(TypeId.isValid("inst", "inst_01ARZ3NDEKTSV4RRFFQ69G5FAV"), "upper case");
    assertFalse(TypeId.isValid("inst", "inst_81arz3ndektsv4rrffq69g5fav"), "first char above 7 overflows 128 bits");
    assertFalse(TypeId.isValid("inst", "inst_01arz3ndektsv4rrffq69g5fa"), "short");
    assertFalse(TypeId.isValid("inst", "inst_01arz3ndektsv4rrffq69g5fau"), "u is not Crockford");
    assertFalse(TypeId.isValid("inst", null));
    assertTrue(TypeId.isValid("inst", "inst_01arz3ndektsv4rrffq69g5fav"));
  }

  @Test
  void cursorsRoundTripAndRejectGarbage() {
    Instant at = Instant.parse("2026-11-29T10:15:30.123456Z");
    Cursor cursor = new Cursor(at, "inst_01arz3ndektsv4rrffq69g5fav");
    assertEquals(cursor, Cursor.decode(cursor.encode()));
    for (String bad : List.of("", "!!!", "djF8MTIzfA", "aGVsbG8", "djF8eHl6fGlk")) {
      ApiException e = assertThrows(ApiException.class, () -> Cursor.decode(bad), bad);
      assertEquals("cursor: malformed cursor", e.getMessage());
    }
  }

  @Test
  void timesAreMillisecondRfc3339Utc() {
    assertEquals("2026-11-29T10:15:30.123Z", Times.format(Instant.parse("2026-11-29T10:15:30.123456Z")));
    assertEquals("2026-11-29T10:15:30.000Z", Times.format(Instant.parse("2026-11-29T10:15:30Z")));
    assertEquals(Instant.parse("2026-11-29T08:15:30Z"), Times.parse("2026-11-29T10:15:30+02:00").orElseThrow());
    assertTrue(Times.parse("yesterday").isEmpty());
  }
}
