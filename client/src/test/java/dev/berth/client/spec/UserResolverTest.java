package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UserResolverTest {
  private static final Optional<String> PASSWD = Optional.of("""
      root:x:0:0:root:/root:/bin/sh
      # a comment
      daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
      www:x:33:33:www-data:/var/www:/usr/sbin/nologin
      broken line
      app:x:1000:1000::/home/app:/bin/sh
      """);
  private static final Optional<String> GROUP = Optional.of("""
      root:x:0:
      daemon:x:1:
      www:x:33:
      adm:x:4:app,daemon
      audio:x:29: app
      staff:x:50:
      app:x:1000:
      """);

  private static Spec.User resolve(String spec) {
    return UserResolver.resolve(spec, PASSWD, GROUP);
  }

  @Test
  void dockersUserHasItsOwnGroupFirstAmongTheSupplementaryOnes() {
    assertEquals(new Spec.User(1000, 1000, List.of(1000L, 4L, 29L)), UserResolver.withOwnGroup(resolve("app")));
    assertEquals(new Spec.User(4242, 0, List.of(0L)), UserResolver.withOwnGroup(resolve("4242")));
    assertEquals(new Spec.User(1, 4, List.of(4L)), UserResolver.withOwnGroup(new Spec.User(1, 4, List.of(4L))),
        "once");
  }

  @Test
  void namesResolveThroughPasswdWithTheGroupsListingThem() {
    assertEquals(new Spec.User(1000, 1000, List.of(4L, 29L)), resolve("app"));
    assertEquals(new Spec.User(33, 33, List.of()), resolve("www"));
    assertEquals(new Spec.User(1, 1, List.of(4L)), resolve("daemon"));
  }

  @Test
  void emptyIsRoot() {
    assertEquals(new Spec.User(0, 0, List.of()), resolve(""));
    assertEquals(new Spec.User(0, 0, List.of()), UserResolver.resolve("", Optional.empty(), Optional.empty()));
  }

  @Test
  void numbersNeedNoEntry() {
    assertEquals(new Spec.User(1000, 1000, List.of(4L, 29L)), resolve("1000"), "a known uid takes its entry");
    assertEquals(new Spec.User(4242, 0, List.of()), resolve("4242"));
    assertEquals(new Spec.User(4242, 77, List.of()), resolve("4242:77"));
    assertEquals(new Spec.User(4242, 0, List.of()), UserResolver.resolve("4242", Optional.empty(), Optional.empty()));
  }

  @Test
  void anExplicitGroupReplacesTheEntrysAndTheMemberships() {
    assertEquals(new Spec.User(1000, 50, List.of()), resolve("app:staff"));
    assertEquals(new Spec.User(1000, 50, List.of()), resolve("app:50"));
    assertEquals(new Spec.User(33, 9999, List.of()), resolve("www:9999"));
    assertEquals(new Spec.User(0, 33, List.of()), resolve("0:www"));
  }

  @Test
  void unknownNamesAreRefusedInDockersWords() {
    assertEquals("unable to find user nobody: no matching entries in passwd file",
        assertThrows(UnknownUserException.class, () -> resolve("nobody")).getMessage());
    assertEquals("unable to find group wheel: no matching entries in group file",
        assertThrows(UnknownUserException.class, () -> resolve("app:wheel")).getMessage());
    assertEquals("unable to find group wheel: no matching entries in group file",
        assertThrows(UnknownUserException.class, () -> resolve("0:wheel")).getMessage());
    assertEquals("unable to find user app: no matching entries in passwd file",
        assertThrows(UnknownUserException.class,
            () -> UserResolver.resolve("app", Optional.empty(), Optional.empty())).getMessage());
  }

  @Test
  void aUserLeftToTheStartKeepsTheGroupsGivenBesideIt() {
    RootfsFiles files = path -> (path.equals("/etc/passwd") ? PASSWD : path.equals("/etc/group") ? GROUP
        : Optional.<String>empty()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    Spec.User atCreate = new Spec.User(UserResolver.UNRESOLVED.uid(), UserResolver.UNRESOLVED.gid(), List.of(29L, 1234L));
    assertEquals(new Spec.User(1000, 1000, List.of(4L, 29L, 1234L)), UserResolver.resolveOver(atCreate, "app", files));
    assertEquals(new Spec.User(33, 50, List.of(29L, 1234L)), UserResolver.resolveOver(atCreate, "www:staff", files));
  }

  @Test
  void malformedSpecsAreRefusedNamingThem() {
    assertThrows(InvalidValueException.class, () -> resolve("app:"));
    assertThrows(InvalidValueException.class, () -> resolve(":app"));
    assertThrows(InvalidValueException.class, () -> resolve("99999999999"));
  }
}
