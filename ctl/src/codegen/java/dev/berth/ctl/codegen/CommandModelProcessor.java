package dev.berth.ctl.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * Writes, for every package of berthctl's commands, a {@code CommandModels} class that builds each
 * command's picocli model with picocli's programmatic API, from the command's annotations as
 * picocli would read them at run time. Reading them at run time made the JDK generate a proxy class
 * per annotation type, parse every annotated member and make a method handle per field: berthctl's
 * {@code version} took 34 ms longer, {@code ps} 32 ms and the root's help 44 ms.
 *
 * <p>What it supports is what berthctl uses: commands as classes (with superclasses) and as
 * methods, class subcommands, {@code @Option}, {@code @Parameters}, {@code @Mixin}, {@code @Spec}
 * and {@code @ParentCommand} on fields, and the first three on method parameters. Anything else
 * is an error at compile time, as is an annotated private field (generated code sets it directly).
 * The arities, indexes and initial values are picocli's own rules for annotated members.
 */
@SupportedAnnotationTypes("picocli.CommandLine.Command")
public final class CommandModelProcessor extends AbstractProcessor {
  private static final String PICOCLI = "picocli.CommandLine.";
  private static final String COMMAND = PICOCLI + "Command";
  private static final String OPTION = PICOCLI + "Option";
  private static final String PARAMETERS = PICOCLI + "Parameters";
  private static final String MIXIN = PICOCLI + "Mixin";
  private static final String SPEC = PICOCLI + "Spec";
  private static final String PARENT = PICOCLI + "ParentCommand";
  private static final Set<String> SUPPORTED = Set.of(OPTION, PARAMETERS, MIXIN, SPEC, PARENT);
  /** The packages whose commands it models: berthctl's own, not picocli's built-in ones. */
  private static final String ROOT_PACKAGE = "dev.berth.ctl";

  /** Package name to the code of its CommandModels' methods, in a stable order. */
  private final Map<String, Map<String, String>> methods = new TreeMap<>();
  /** Classes whose fields have a method written already. */
  private final Set<String> fieldsWritten = new HashSet<>();
  /** Command classes, for the registry. */
  private final List<TypeElement> commands = new ArrayList<>();

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    TypeElement command = processingEnv.getElementUtils().getTypeElement(COMMAND);
    if (command == null || round.processingOver() || !commands.isEmpty()) {
      return false;
    }
    // every command is in the first round: berthctl's sources are compiled together
    for (Element e : round.getElementsAnnotatedWith(command)) {
      if (e instanceof TypeElement type && packageOf(type).startsWith(ROOT_PACKAGE)
          && !type.getModifiers().contains(Modifier.ABSTRACT)) {
        addMethod(packageOf(type), key(type) + "Of", commandMethod(type));
        if (hasNoArgumentConstructor(type)) {
          commands.add(type);
          String name = type.getQualifiedName().toString();
          addMethod(packageOf(type), key(type), "  /** {@code " + name + "}, a new instance; {@code parent}: the "
              + "command it goes under. */\n  public static CommandSpec " + key(type) + "(Object parent) {\n    return "
              + key(type) + "Of(new " + name + "(), parent);\n  }\n");
        }
      }
    }
    if (!commands.isEmpty()) {
      writeRegistry();
      methods.forEach(this::writeModels);
    }
    return false;
  }

  private static boolean hasNoArgumentConstructor(TypeElement type) {
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.CONSTRUCTOR && ((ExecutableElement) member).getParameters().isEmpty()
          && !member.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }

  // --- commands as classes

  private String commandMethod(TypeElement type) {
    StringBuilder b = new StringBuilder();
    String name = type.getQualifiedName().toString();
    b.append("  /** The model of {@code command}; {@code parent}: the command it goes under. */\n");
    b.append("  public static CommandSpec ").append(key(type)).append("Of(").append(name)
        .append(" command, Object parent) {\n");
    b.append("    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);\n");
    // picocli's order: from the top superclass down, each class's attributes, class subcommands,
    // method subcommands (by method name), then its fields
    for (TypeElement cls : hierarchy(type)) {
      AnnotationMirror annotation = mirror(cls, COMMAND);
      if (annotation != null) {
        commandAttributes(b, annotation);
        for (AnnotationValue sub : list(value(annotation, "subcommands"))) {
          TypeElement subType = (TypeElement) ((DeclaredType) sub.getValue()).asElement();
          b.append("    add(spec, ").append(packageOf(subType)).append(".CommandModels.").append(key(subType))
              .append("(command));\n");
        }
      }
      List<ExecutableElement> methodCommands = new ArrayList<>();
      for (Element member : cls.getEnclosedElements()) {
        if (member.getKind() == ElementKind.METHOD && mirror(member, COMMAND) != null) {
          methodCommands.add((ExecutableElement) member);
        }
      }
      methodCommands.sort(Comparator.comparing(m -> m.getSimpleName().toString()));
      for (ExecutableElement m : methodCommands) {
        String methodKey = key(type) + "_" + m.getSimpleName();
        addMethod(packageOf(type), methodKey, methodCommand(type, m, methodKey));
        b.append("    add(spec, ").append(methodKey).append("(command));\n");
      }
      if (hasAnnotatedFields(cls)) {
        b.append("    ").append(packageOf(cls)).append(".CommandModels.").append(fieldsMethod(cls))
            .append("(command, spec, parent);\n");
      }
    }
    b.append("    return spec;\n  }\n");
    return b.toString();
  }

  /** The superclasses that are not the JDK's, top first, then {@code type}. */
  private List<TypeElement> hierarchy(TypeElement type) {
    List<TypeElement> classes = new ArrayList<>();
    for (TypeElement t = type; t != null; ) {
      if (t.getQualifiedName().toString().startsWith("java.")) {
        break;
      }
      classes.add(0, t);
      TypeMirror sup = t.getSuperclass();
      t = sup.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) sup).asElement() : null;
    }
    return classes;
  }

  private void commandAttributes(StringBuilder b, AnnotationMirror command) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : command.getElementValues().entrySet()) {
      String attribute = e.getKey().getSimpleName().toString();
      AnnotationValue v = e.getValue();
      switch (attribute) {
        case "name" -> b.append("    spec.name(").append(v).append(");\n");
        case "aliases" -> b.append("    spec.aliases(").append(strings(v)).append(");\n");
        case "description", "footer", "header" ->
            b.append("    spec.usageMessage().").append(attribute).append("(").append(strings(v)).append(");\n");
        case "footerHeading", "descriptionHeading", "headerHeading", "synopsisHeading" ->
            b.append("    spec.usageMessage().").append(attribute).append("(").append(v).append(");\n");
        case "hidden" -> b.append("    spec.usageMessage().hidden(").append(v).append(");\n");
        case "scope" -> b.append("    spec.scopeType(CommandLine.ScopeType.")
            .append(((VariableElement) v.getValue()).getSimpleName()).append(");\n");
        case "versionProvider" -> b.append("    spec.versionProvider(new ").append(v.getValue()).append("());\n");
        case "subcommands" -> { } // added by the caller, in picocli's order
        default -> error(e.getKey(), "@Command(" + attribute + ") is not supported by " + getClass().getSimpleName());
      }
    }
  }

  // --- fields

  private boolean hasAnnotatedFields(TypeElement cls) {
    for (Element member : cls.getEnclosedElements()) {
      if (member.getKind() == ElementKind.FIELD && annotationOf(member) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes (once) the method that binds {@code cls}'s own annotated fields into a command's model:
   * in {@code cls}'s package, which may set its package-private fields.
   */
  private String fieldsMethod(TypeElement cls) {
    String method = "fieldsOf" + key(cls).substring(0, 1).toUpperCase() + key(cls).substring(1);
    if (!fieldsWritten.add(cls.getQualifiedName().toString())) {
      return method;
    }
    String name = cls.getQualifiedName().toString();
    StringBuilder b = new StringBuilder();
    StringBuilder gets = new StringBuilder();
    StringBuilder sets = new StringBuilder();
    b.append("  /** Binds the annotated fields {@code ").append(name).append("} declares. */\n");
    b.append("  @SuppressWarnings(\"unchecked\")\n");
    b.append("  public static void ").append(method).append("(").append(name)
        .append(" object, CommandSpec spec, Object parent) {\n");
    int index = 0;
    for (Element member : cls.getEnclosedElements()) {
      if (member.getKind() != ElementKind.FIELD) {
        continue;
      }
      AnnotationMirror annotation = annotationOf(member);
      if (annotation == null) {
        continue;
      }
      if (member.getModifiers().contains(Modifier.PRIVATE)) {
        error(member, "a picocli-annotated field may not be private: the generated model sets it");
      }
      String field = member.getSimpleName().toString();
      String type = erasure(member.asType());
      String kind = annotation.getAnnotationType().toString();
      switch (kind) {
        case SPEC -> b.append("    object.").append(field).append(" = spec;\n");
        case PARENT -> b.append("    object.").append(field).append(" = (").append(type).append(") parent;\n");
        case MIXIN -> {
          TypeElement mixinType = (TypeElement) processingEnv.getTypeUtils().asElement(member.asType());
          b.append("    object.").append(field).append(" = new ").append(type).append("();\n");
          b.append("    spec.addMixin(\"").append(field).append("\", mixin(object.").append(field).append(", ")
              .append(mixinFields(mixinType)).append("));\n");
        }
        default -> {
          b.append("    spec.add(").append(argument(annotation, member.asType(), -1, "new Fields(object, " + index + ")",
              "object." + field, field)).append(");\n");
          gets.append("        case ").append(index).append(" -> object.").append(field).append(";\n");
          sets.append("        case ").append(index).append(" -> object.").append(field).append(" = (")
              .append(boxed(member.asType())).append(") value;\n");
          index++;
        }
      }
    }
    b.append("  }\n");
    if (index > 0) {
      String fieldsClass = "Fields" + method.substring("fieldsOf".length());
      String code = b.toString().replace("new Fields(", "new " + fieldsClass + "(");
      addMethod(packageOf(cls), method, code + fieldsClass(fieldsClass, name, gets, sets));
    } else {
      addMethod(packageOf(cls), method, b.toString());
    }
    return method;
  }

  /** A getter and setter of {@code name}'s fields by number: one class for all of them. */
  private static String fieldsClass(String className, String name, StringBuilder gets, StringBuilder sets) {
    return "\n  private static final class " + className + " implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {\n"
        + "    private final " + name + " object;\n"
        + "    private final int field;\n\n"
        + "    " + className + "(" + name + " object, int field) {\n"
        + "      this.object = object;\n      this.field = field;\n    }\n\n"
        + "    @Override\n    @SuppressWarnings(\"unchecked\")\n"
        + "    public <T> T get() {\n      return (T) switch (field) {\n" + gets
        + "        default -> throw new IllegalStateException(\"no field \" + field);\n      };\n    }\n\n"
        + "    @Override\n    @SuppressWarnings(\"unchecked\")\n"
        + "    public <T> T set(T value) {\n      T previous = get();\n      switch (field) {\n" + sets
        + "        default -> throw new IllegalStateException(\"no field \" + field);\n      }\n      return previous;\n    }\n  }\n";
  }

  /** The package-qualified call binding a mixin's fields, written in the mixin's package. */
  private String mixinFields(TypeElement mixinType) {
    for (TypeElement cls : hierarchy(mixinType)) {
      if (cls != mixinType && hasAnnotatedFields(cls)) {
        error(mixinType, "a mixin's superclass may not have picocli-annotated fields");
      }
    }
    return packageOf(mixinType) + ".CommandModels::" + fieldsMethod(mixinType);
  }

  // --- commands as methods

  private String methodCommand(TypeElement owner, ExecutableElement method, String methodKey) {
    String ownerName = owner.getQualifiedName().toString();
    StringBuilder b = new StringBuilder();
    List<? extends VariableElement> params = method.getParameters();
    b.append("  private static CommandSpec ").append(methodKey).append("(").append(ownerName).append(" command) {\n");
    b.append("    Value[] values = new Value[").append(params.size()).append("];\n");
    StringBuilder args = new StringBuilder();
    StringBuilder bindings = new StringBuilder();
    // picocli counts a positional parameter's place among the positional ones, and names
    // parameters as javac leaves them without -parameters: arg0, arg1, ...
    int optionsBefore = 0;
    for (int i = 0; i < params.size(); i++) {
      VariableElement p = params.get(i);
      AnnotationMirror annotation = annotationOf(p);
      String type = erasure(p.asType());
      if (annotation == null || !Set.of(OPTION, PARAMETERS, MIXIN).contains(annotation.getAnnotationType().toString())) {
        error(p, "a command method's parameters must each be an @Option, @Parameters or @Mixin");
        continue;
      }
      args.append(i == 0 ? "" : ", ").append("(").append(boxed(p.asType())).append(") values[").append(i).append("].value");
      if (annotation.getAnnotationType().toString().equals(MIXIN)) {
        TypeElement mixinType = (TypeElement) processingEnv.getTypeUtils().asElement(p.asType());
        b.append("    values[").append(i).append("] = new Value(new ").append(type).append("());\n");
        optionsBefore++;
        bindings.append("    spec.addMixin(\"arg").append(i).append("\", mixin((").append(type)
            .append(") values[").append(i).append("].value, ").append(mixinFields(mixinType)).append("));\n");
      } else {
        b.append("    values[").append(i).append("] = new Value(").append(initialValue(p.asType())).append(");\n");
        boolean option = annotation.getAnnotationType().toString().equals(OPTION);
        bindings.append("    spec.add(").append(argument(annotation, p.asType(), option ? -1 : i - optionsBefore,
            "values[" + i + "]", "values[" + i + "].value", "arg" + i)).append(");\n");
        if (option) {
          optionsBefore++;
        }
      }
    }
    String call = "command." + method.getSimpleName() + "(" + args + ")";
    boolean returns = method.getReturnType().getKind() != TypeKind.VOID;
    b.append("    CommandSpec spec = CommandSpec.wrapWithoutInspection((java.util.concurrent.Callable<Object>) () -> ")
        .append(returns ? call : "{\n      " + call + ";\n      return null;\n    }").append(");\n");
    AnnotationMirror annotation = mirror(method, COMMAND);
    if (value(annotation, "name") == null) {
      b.append("    spec.name(\"").append(method.getSimpleName()).append("\");\n");
    }
    commandAttributes(b, annotation);
    b.append(bindings);
    b.append("    return spec;\n  }\n");
    return b.toString();
  }

  /** Java's default for a parameter of {@code type}, which picocli gives one that was not on the command line. */
  private static String initialValue(TypeMirror type) {
    return switch (type.getKind()) {
      case BOOLEAN -> "false";
      case INT -> "0";
      case LONG -> "0L";
      case SHORT -> "(short) 0";
      case BYTE -> "(byte) 0";
      case CHAR -> "'\\0'";
      case FLOAT -> "0f";
      case DOUBLE -> "0d";
      default -> "null";
    };
  }

  // --- options and positional parameters

  /**
   * An option or positional parameter's builder, as picocli builds it from the annotation on a
   * field ({@code position} -1) or on the method parameter at {@code position}.
   */
  private String argument(AnnotationMirror annotation, TypeMirror type, int position, String binding, String current,
      String name) {
    boolean option = annotation.getAnnotationType().toString().equals(OPTION);
    StringBuilder b = new StringBuilder();
    if (option) {
      b.append("CommandLine.Model.OptionSpec.builder(").append(strings(value(annotation, "names"))).append(")");
    } else {
      b.append("CommandLine.Model.PositionalParamSpec.builder()");
    }
    String raw = erasure(type);
    List<String> auxiliary = auxiliaryTypes(type);
    boolean multiValue = isMultiValue(type);
    b.append("\n        .type(").append(raw).append(".class)");
    b.append(".auxiliaryTypes(").append(String.join(", ", auxiliary.stream().map(t -> t + ".class").toList())).append(")");
    AnnotationValue arity = value(annotation, "arity");
    String range;
    if (arity != null && !((String) arity.getValue()).isEmpty()) {
      range = (String) arity.getValue();
      b.append(".arity(").append(arity).append(")");
    } else {
      // picocli's default arity for an annotated member: unspecified, so booleans may take a value
      boolean zeroArgs = option && (isBoolean(type.toString()) || (multiValue && isBoolean(auxiliary.get(0))));
      range = zeroArgs ? "0" : option ? "1" : multiValue ? "0..1" : "1";
      b.append(".arity(CommandLine.Range.valueOf(\"").append(range).append("\").unspecified(true))");
    }
    if (value(annotation, "paramLabel") == null) {
      b.append(".paramLabel(\"<").append(name).append(">\")");
    }
    if (!option) {
      // a positional parameter is required when its arity asks for a value
      b.append(".required(").append(minimum(range) > 0).append(")");
      AnnotationValue index = value(annotation, "index");
      if (index != null && !((String) index.getValue()).isEmpty()) {
        b.append(".index(").append(index).append(")");
      } else if (position >= 0) {
        b.append(".index(new CommandLine.Range(").append(position).append(", ")
            .append(multiValue ? "Integer.MAX_VALUE" : String.valueOf(position)).append(", ")
            .append(multiValue).append(", false, null))");
      } else {
        b.append(".index(\"").append(multiValue ? "*" : "0+").append("\")");
      }
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : annotation.getElementValues().entrySet()) {
      String attribute = e.getKey().getSimpleName().toString();
      AnnotationValue v = e.getValue();
      switch (attribute) {
        case "names", "arity", "index" -> { }
        case "description" -> b.append(".description(").append(strings(v)).append(")");
        case "paramLabel", "defaultValue", "fallbackValue", "split", "descriptionKey" ->
            b.append(".").append(attribute.equals("split") ? "splitRegex" : attribute).append("(").append(v).append(")");
        case "negatable", "hidden", "required", "interactive" ->
            b.append(".").append(attribute).append("(").append(v).append(")");
        case "order" -> b.append(".order(").append(v).append(")");
        case "scope" -> b.append(".scopeType(CommandLine.ScopeType.")
            .append(((VariableElement) v.getValue()).getSimpleName()).append(")");
        case "converter" -> b.append(".converters(").append(String.join(", ", ((List<?>) v.getValue()).stream()
            .map(c -> "new " + ((AnnotationValue) c).getValue() + "()").toList())).append(")");
        case "preprocessor" -> b.append(".preprocessor(new ").append(v.getValue()).append("())");
        default -> error(e.getKey(), "@" + (option ? "Option" : "Parameters") + "(" + attribute
            + ") is not supported by " + getClass().getSimpleName());
      }
    }
    b.append("\n        .getter(").append(binding).append(").setter(").append(binding).append(").initialValue(")
        .append(current).append(").build()");
    return b.toString();
  }

  /** The least number of values an arity such as {@code 1}, {@code 0..1} or {@code 1..*} takes. */
  private static int minimum(String arity) {
    String min = arity.contains("..") ? arity.substring(0, arity.indexOf("..")) : arity;
    return min.equals("*") ? 0 : Integer.parseInt(min.trim());
  }

  private boolean isMultiValue(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return true;
    }
    String raw = erasure(type);
    TypeElement element = processingEnv.getElementUtils().getTypeElement(raw);
    if (element == null) {
      return false;
    }
    var types = processingEnv.getTypeUtils();
    for (String multi : List.of("java.util.Collection", "java.util.Map")) {
      TypeElement m = processingEnv.getElementUtils().getTypeElement(multi);
      if (types.isAssignable(types.erasure(element.asType()), types.erasure(m.asType()))) {
        return true;
      }
    }
    return false;
  }

  /** picocli's auxiliary types: the type arguments of a generic type, else the type itself. */
  private List<String> auxiliaryTypes(TypeMirror type) {
    if (type instanceof DeclaredType d && !d.getTypeArguments().isEmpty()) {
      return d.getTypeArguments().stream().map(this::erasure).toList();
    }
    if (type.getKind() == TypeKind.ARRAY) {
      return List.of(erasure(((javax.lang.model.type.ArrayType) type).getComponentType()));
    }
    return List.of(erasure(type));
  }

  private static boolean isBoolean(String type) {
    return type.equals("boolean") || type.equals("java.lang.Boolean");
  }

  // --- helpers

  private String erasure(TypeMirror type) {
    TypeMirror erased = processingEnv.getTypeUtils().erasure(type);
    if (erased instanceof DeclaredType d) {
      return ((TypeElement) d.asElement()).getQualifiedName().toString();
    }
    return erased.toString();
  }

  /** The type to cast an Object to for assigning it: boxed for primitives, generic types as declared. */
  private String boxed(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return processingEnv.getTypeUtils().boxedClass((javax.lang.model.type.PrimitiveType) type).getQualifiedName()
          .toString();
    }
    return type.toString();
  }

  private AnnotationMirror annotationOf(Element member) {
    AnnotationMirror found = null;
    for (AnnotationMirror m : member.getAnnotationMirrors()) {
      String name = m.getAnnotationType().toString();
      if (name.startsWith(PICOCLI)) {
        if (!SUPPORTED.contains(name)) {
          error(member, "@" + name + " is not supported by " + getClass().getSimpleName());
        }
        found = m;
      }
    }
    return found;
  }

  private static AnnotationMirror mirror(Element element, String annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (m.getAnnotationType().toString().equals(annotation)) {
        return m;
      }
    }
    return null;
  }

  private static AnnotationValue value(AnnotationMirror annotation, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : annotation.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static List<AnnotationValue> list(AnnotationValue v) {
    if (v == null) {
      return List.of();
    }
    return v.getValue() instanceof List<?> l ? (List<AnnotationValue>) l : List.of(v);
  }

  /** A String or String[] attribute as the arguments of a varargs call. */
  private static String strings(AnnotationValue v) {
    return String.join(", ", list(v).stream().map(AnnotationValue::toString).toList());
  }

  private static String packageOf(Element e) {
    Element p = e;
    while (!(p instanceof PackageElement)) {
      p = p.getEnclosingElement();
    }
    return ((PackageElement) p).getQualifiedName().toString();
  }

  /** A class's name in its package as a method name: {@code ContentCommand.Label} is {@code contentCommandLabel}. */
  private static String key(TypeElement type) {
    String pkg = packageOf(type);
    String simple = type.getQualifiedName().toString().substring(pkg.length() + 1).replace(".", "");
    return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
  }

  private void addMethod(String pkg, String name, String code) {
    methods.computeIfAbsent(pkg, p -> new TreeMap<>()).putIfAbsent(name, code);
  }

  private void error(Element element, String message) {
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  // --- output

  private void writeModels(String pkg, Map<String, String> code) {
    StringBuilder b = new StringBuilder();
    b.append("package ").append(pkg).append(";\n\n");
    b.append("import picocli.CommandLine;\nimport picocli.CommandLine.Model.CommandSpec;\n\n");
    b.append("/** The picocli models of this package's commands, written by ").append(getClass().getName())
        .append(" from their annotations. */\n");
    b.append("@javax.annotation.processing.Generated(\"").append(getClass().getName()).append("\")\n");
    b.append("public final class CommandModels {\n  private CommandModels() {}\n\n");
    code.values().forEach(c -> b.append(c).append("\n"));
    b.append(SUPPORT);
    b.append("}\n");
    write(pkg + ".CommandModels", b.toString());
  }

  /** What every package's CommandModels uses. */
  private static final String SUPPORT = """
        /** A method parameter's value, bound as picocli binds one. */
        private static final class Value implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
          private Object value;

          Value(Object value) {
            this.value = value;
          }

          @Override
          @SuppressWarnings("unchecked")
          public <T> T get() {
            return (T) value;
          }

          @Override
          @SuppressWarnings("unchecked")
          public <T> T set(T newValue) {
            T previous = (T) value;
            value = newValue;
            return previous;
          }
        }

        private static <M> CommandSpec mixin(M object, Binder<M> fields) {
          CommandSpec spec = CommandSpec.wrapWithoutInspection(object);
          fields.bind(object, spec, null);
          return spec;
        }

        private interface Binder<M> {
          void bind(M object, CommandSpec spec, Object parent);
        }

        private static void add(CommandSpec spec, CommandSpec subcommand) {
          spec.addSubcommand(subcommand.name(), new CommandLine(subcommand));
        }
      """;

  /** In the root package: each command class's model by class, for berthctl's top-level commands. */
  private void writeRegistry() {
    StringBuilder b = new StringBuilder();
    b.append("package ").append(ROOT_PACKAGE).append(";\n\n");
    b.append("import picocli.CommandLine.Model.CommandSpec;\n\n");
    b.append("/** Every berthctl command class's generated model, by class: written by ").append(getClass().getName())
        .append(". */\n");
    b.append("@javax.annotation.processing.Generated(\"").append(getClass().getName()).append("\")\n");
    b.append("final class GeneratedCommands {\n  private GeneratedCommands() {}\n\n");
    b.append("  /** {@code type}'s model, a new instance of it inside; {@code parent}: the command it goes under. */\n");
    b.append("  static CommandSpec spec(Class<?> type, Object parent) {\n    return switch (type.getName()) {\n");
    for (TypeElement type : commands) {
      b.append("      case \"").append(processingEnv.getElementUtils().getBinaryName(type)).append("\" -> ")
          .append(packageOf(type)).append(".CommandModels.").append(key(type)).append("(parent);\n");
    }
    b.append("      default -> throw new IllegalArgumentException(\"no generated model for \" + type);\n    };\n  }\n\n");
    b.append("  /** The words that name {@code type}'s command: its name, then its aliases. */\n");
    b.append("  static java.util.List<String> names(Class<?> type) {\n    return switch (type.getName()) {\n");
    for (TypeElement type : commands) {
      AnnotationMirror command = mirror(type, COMMAND);
      String words = strings(value(command, "name"));
      String aliases = strings(value(command, "aliases"));
      b.append("      case \"").append(processingEnv.getElementUtils().getBinaryName(type)).append("\" -> java.util.List.of(")
          .append(words).append(aliases.isEmpty() ? "" : ", " + aliases).append(");\n");
    }
    b.append("      default -> throw new IllegalArgumentException(\"no generated model for \" + type);\n    };\n  }\n\n");
    b.append("  /** A model of {@code type} with its name, aliases, header, description and hiddenness alone. */\n");
    b.append("  static CommandSpec standIn(Class<?> type) {\n    CommandSpec spec = CommandSpec.create();\n");
    b.append("    switch (type.getName()) {\n");
    for (TypeElement type : commands) {
      b.append("      case \"").append(processingEnv.getElementUtils().getBinaryName(type)).append("\" -> {\n");
      AnnotationMirror command = mirror(type, COMMAND);
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : command.getElementValues().entrySet()) {
        String attribute = e.getKey().getSimpleName().toString();
        switch (attribute) {
          case "name" -> b.append("        spec.name(").append(e.getValue()).append(");\n");
          case "aliases" -> b.append("        spec.aliases(").append(strings(e.getValue())).append(");\n");
          case "description", "header", "hidden" -> b.append("        spec.usageMessage().").append(attribute).append("(")
              .append(attribute.equals("hidden") ? e.getValue().toString() : strings(e.getValue())).append(");\n");
          default -> { }
        }
      }
      b.append("      }\n");
    }
    b.append("      default -> throw new IllegalArgumentException(\"no generated model for \" + type);\n    }\n");
    b.append("    return spec;\n  }\n}\n");
    write(ROOT_PACKAGE + ".GeneratedCommands", b.toString());
  }

  private void write(String className, String source) {
    try (Writer w = processingEnv.getFiler().createSourceFile(className).openWriter()) {
      w.write(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
