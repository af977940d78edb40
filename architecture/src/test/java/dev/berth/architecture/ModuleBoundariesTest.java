package dev.berth.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one module's tests may use of another module, checked over every module's compiled
 * classes (docs/architecture.md, "Architecture rules"). A module's <em>public</em> packages are its root
 * package, its {@code testing} packages (made for other modules' tests) and every package of it
 * that another module's main code uses (berthd's assembly wires the services' stores, the CLI
 * uses the client library). Everything else is internal: how the module does its work, which
 * another module's test has no business reaching into, since only the module's own tests keep
 * up with it. The shared support modules (api-support, services/common, services/linux) are
 * public throughout.
 */
class ModuleBoundariesTest {
  /** Module directory to root package, for every module with Java code. */
  private static final Map<String, String> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("api-support", "dev.berth.api");
    MODULES.put("services/common", "dev.berth.common");
    MODULES.put("services/linux", "dev.berth.linux");
    MODULES.put("services/content", "dev.berth.content");
    MODULES.put("services/metadata", "dev.berth.metadata");
    MODULES.put("services/snapshots", "dev.berth.snapshots");
    MODULES.put("services/tasks", "dev.berth.tasks");
    MODULES.put("services/network", "dev.berth.network");
    MODULES.put("services/volumes", "dev.berth.volumes");
    MODULES.put("services/restart", "dev.berth.restart");
    MODULES.put("services/gc", "dev.berth.gc");
    MODULES.put("services/transfer", "dev.berth.transfer");
    MODULES.put("services/cri", "dev.berth.cri");
    MODULES.put("services/daemon", "dev.berth.daemon");
    MODULES.put("client", "dev.berth.client");
    MODULES.put("ctl", "dev.berth.ctl");
    MODULES.put("bench", "dev.berth.bench");
    MODULES.put("e2e", "dev.berth.e2e");
  }

  /** Modules every other module may use as a whole. */
  private static final Set<String> SHARED = Set.of("api-support", "services/common", "services/linux");

  private static final Map<String, JavaClasses> MAIN = new HashMap<>();
  private static final Map<String, JavaClasses> TESTS = new HashMap<>();

  /** A top-level test class using a package. */
  private record Use(String from, String targetPackage) {}

  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.berth\\.[\\w.]+)(?:\\.\\*)?;.*");

  private static Path root() {
    return Path.of(System.getProperty("berth.root", ".."));
  }

  @BeforeAll
  static void importEveryModule() {
    ClassFileImporter importer = new ClassFileImporter();
    for (String module : MODULES.keySet()) {
      Path target = root().resolve(module).resolve("target");
      Path src = root().resolve(module).resolve("src");
      for (String kind : List.of("main", "test")) {
        Path classes = target.resolve(kind.equals("main") ? "classes" : "test-classes");
        if (Files.isDirectory(src.resolve(kind).resolve("java"))) {
          assertTrue(Files.isDirectory(classes), classes + " is missing: compile every module first");
          (kind.equals("main") ? MAIN : TESTS).put(module, importer.importPath(classes));
        }
      }
    }
  }

  @Test
  void everyModuleIsKnown() {
    Set<String> unknown = new TreeSet<>();
    for (Map<String, JavaClasses> side : List.of(MAIN, TESTS)) {
      side.forEach((module, classes) -> classes.stream()
          .filter(c -> c.getPackageName().startsWith("dev.berth."))
          .filter(c -> moduleOf(c.getPackageName()).isEmpty())
          .forEach(c -> unknown.add(module + ": " + c.getName())));
    }
    assertEquals(Set.of(), unknown, "classes outside every module's root package; add the module to MODULES");
  }

  /**
   * Checked twice: on the compiled tests' references (which also catch names written out in
   * full) and on their sources' imports (which also catch imports the code does not use).
   */
  @Test
  void testsUseOnlyOtherModulesPublicPackages() throws IOException {
    Map<String, Set<String>> publicPackages = publicPackages();
    Set<String> violations = new TreeSet<>();
    BiConsumer<String, Use> check = (module, use) -> {
      String target = use.targetPackage();
      Optional<String> owner = moduleOf(target);
      if (owner.isEmpty() || owner.get().equals(module) || SHARED.contains(owner.get())
          || publicPackages.get(owner.get()).contains(target) || isTesting(target)) {
        return;
      }
      violations.add(use.from() + " -> " + target);
    };
    TESTS.forEach((module, classes) -> {
      for (JavaClass c : classes) {
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          check.accept(module, new Use(topLevel(c).getName(), d.getTargetClass().getPackageName()));
        }
      }
    });
    for (String module : TESTS.keySet()) {
      Path sources = root().resolve(module).resolve("src/test/java");
      List<Path> files;
      try (Stream<Path> walk = Files.walk(sources)) {
        files = walk.filter(f -> f.toString().endsWith(".java")).toList();
      }
      for (Path file : files) {
        String className = sources.relativize(file).toString().replace('/', '.').replaceFirst("\\.java$", "");
        for (String line : Files.readAllLines(file)) {
          Matcher m = IMPORT.matcher(line);
          if (m.matches()) {
            check.accept(module, new Use(className, packageOf(m.group(1))));
          }
        }
      }
    }
    assertEquals(List.of(), new ArrayList<>(violations),
        "tests use other modules' internal packages; use their root, testing or wired-up packages");
  }

  /** The package of an imported name: the parts before the first capitalised one (a class). */
  private static String packageOf(String imported) {
    List<String> parts = new ArrayList<>();
    for (String part : imported.split("\\.")) {
      if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
        break;
      }
      parts.add(part);
    }
    return String.join(".", parts);
  }

  /** Per module: its root package and the packages of it other modules' main code uses. */
  private static Map<String, Set<String>> publicPackages() {
    Map<String, Set<String>> result = new HashMap<>();
    MODULES.forEach((module, root) -> result.put(module, new HashSet<>(Set.of(root))));
    MAIN.forEach((module, classes) -> {
      for (JavaClass c : classes) {
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          String target = d.getTargetClass().getPackageName();
          moduleOf(target).filter(owner -> !owner.equals(module)).ifPresent(owner -> result.get(owner).add(target));
        }
      }
    });
    return result;
  }

  private static Optional<String> moduleOf(String packageName) {
    return MODULES.entrySet().stream()
        .filter(e -> packageName.equals(e.getValue()) || packageName.startsWith(e.getValue() + "."))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private static boolean isTesting(String packageName) {
    return packageName.endsWith(".testing") || packageName.contains(".testing.");
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer;
  }
}
