package dev.berth.ctl.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.ctl.CommandFailure;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static final JsonNode INSPECT = read("""
      {"Id": "4f1c0ffee", "Name": "/web", "State": {"Status": "running", "Running": true, "ExitCode": 0, "Pid": 42},
       "Config": {"Image": "busybox", "Labels": {"team": "web", "tier.name": "front"}, "Cmd": ["httpd", "-f"],
                  "Entrypoint": null},
       "NetworkSettings": {"IPAddress": "10.88.0.5",
         "Networks": {"zeta": {"IPAddress": "10.90.0.2"}, "alpha": {"IPAddress": "10.89.0.7"}}},
       "Mounts": [{"Source": "/a", "Destination": "/x"}, {"Source": "/b", "Destination": "/y"}]}
      """);

  private static JsonNode read(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String render(String template) {
    return Template.parse(template).render(INSPECT);
  }

  @Test
  void fieldPathsPrintTheirValues() {
    assertEquals("running", render("{{.State.Status}}"));
    assertEquals("10.88.0.5 /web 4f1c0ffee", render("{{.NetworkSettings.IPAddress}} {{.Name}} {{.Id}}"));
    assertEquals("true 0 42", render("{{.State.Running}} {{.State.ExitCode}} {{.State.Pid}}"));
    assertEquals("[httpd -f]", render("{{.Config.Cmd}}"));
    assertEquals("map[team:web tier.name:front]", render("{{.Config.Labels}}"));
    assertEquals("[]", render("{{.Config.Entrypoint}}"), "Go prints a nil slice empty");
  }

  @Test
  void aStructPrintsItsFieldsInOrderAsGoPrintsDockersTypesAndAMapItsSortedKeys() {
    assertEquals("{running true 0 42}", render("{{.State}}"));
    assertEquals("[{/a /x} {/b /y}]", render("{{.Mounts}}"));
    // the endpoints are pointers in Docker's map, printed by their fields here (see docs/docker.md)
    assertEquals("map[alpha:{10.89.0.7} zeta:{10.90.0.2}]", render("{{.NetworkSettings.Networks}}"));
  }

  @Test
  void inspectPrintsDockersStructsInTheirGoFieldOrderWithTheFieldsJsonLeavesOutAsZeros() {
    JsonNode container = read("""
        {"Id": "4f1c0ffee", "State": {"Status": "running", "Running": true, "Paused": false, "Restarting": false,
           "OOMKilled": false, "Dead": false, "Pid": 42, "ExitCode": 0, "Error": "",
           "StartedAt": "2024-05-01T10:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z"},
         "HostConfig": {"NetworkMode": "bridge"},
         "GraphDriver": {"Name": "overlay2", "Data": {"UpperDir": "/u", "LowerDir": "/l"}},
         "Mounts": [{"Type": "bind", "Source": "/src", "Destination": "/dst", "Mode": "ro", "RW": false,
           "Propagation": "rprivate"}],
         "Config": {"Image": "busybox", "Hostname": "abc", "Domainname": "", "User": "", "AttachStdin": false,
           "AttachStdout": true, "AttachStderr": true, "Tty": false, "OpenStdin": false, "StdinOnce": false,
           "Env": ["PATH=/bin"], "Cmd": ["sh"], "Volumes": null, "WorkingDir": "", "Entrypoint": null,
           "OnBuild": null, "Labels": {}}}
        """);
    // types.GraphDriverData is {Data, Name}; a bind's MountPoint has no Name or Driver, printed empty
    assertEquals("{map[LowerDir:/l UpperDir:/u] overlay2} [{bind  /src /dst  ro false rprivate}]",
        Template.parse("{{.GraphDriver}} {{.Mounts}}").renderInspected(container));
    // a container without a health check: Health is a nil pointer at the end of the state
    assertEquals("{running true false false false false 42 0  2024-05-01T10:00:00Z 0001-01-01T00:00:00Z <nil>}",
        Template.parse("{{.State}}").renderInspected(container));
    // container.Config's order, its omitempty fields (ExposedPorts, Healthcheck, ...) as their zeros
    assertEquals("{abc   false true true map[] false false false [PATH=/bin] [sh] <nil> false busybox map[]  []"
        + " false  [] map[]  <nil> []}", Template.parse("{{.Config}}").renderInspected(container));
    // Go's field names reach the JSON's keys, and fields the JSON leaves out are there
    assertEquals("4f1c0ffee []", Template.parse("{{.ID}} {{.HostConfig.Mounts}}").renderInspected(container));

    JsonNode network = read("""
        {"Name": "net1", "Id": "abc", "Scope": "local", "Driver": "bridge",
         "IPAM": {"Config": [{"Gateway": "10.1.0.1", "Subnet": "10.1.0.0/24"}], "Options": null, "Driver": "default"}}
        """);
    assertEquals("{default map[] [{10.1.0.0/24  10.1.0.1 map[]}]}", Template.parse("{{.IPAM}}").renderInspected(network));
    JsonNode volume = read("""
        {"Name": "data", "Driver": "local", "Mountpoint": "/v/_data", "CreatedAt": "2024-05-01T10:00:00Z",
         "Labels": null, "Options": null, "Scope": "local"}
        """);
    assertEquals("{<nil> 2024-05-01T10:00:00Z local map[] /v/_data data map[] local map[] <nil>}",
        Template.parse("{{.}}").renderInspected(volume));
  }

  @Test
  void aStructsUnknownFieldIsAnErrorAsInGo() {
    CommandFailure top = assertThrows(CommandFailure.class, () -> render("{{.Nope}}"));
    assertEquals("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope", top.getMessage());
    CommandFailure nested = assertThrows(CommandFailure.class, () -> render("{{.Config.Missing}}"));
    assertTrue(nested.getMessage().contains("at <.Config.Missing>: can't evaluate field Missing"), nested.getMessage());
    assertThrows(CommandFailure.class, () -> render("{{.Nothing.Below}}"));
    assertThrows(CommandFailure.class, () -> render("{{range .Mounts}}{{.Nope}}{{end}}"));
    assertThrows(CommandFailure.class, () -> render("{{range $n := .NetworkSettings.Networks}}{{$n.Nope}}{{end}}"));
    assertThrows(CommandFailure.class, () -> render("{{(index .NetworkSettings.Networks \"alpha\").Nope}}"));
    CommandFailure row = assertThrows(CommandFailure.class,
        () -> Template.parse("{{.ID}} {{.Foo}}").render(read("{\"ID\": \"4f1c\", \"Names\": \"web\"}")));
    assertTrue(row.getMessage().contains("can't evaluate field Foo"), row.getMessage());
  }

  @Test
  void aRowsUnknownFieldNamesTheGoTypeDockersCommandRunsTheTemplateOver() {
    JsonNode row = read("{\"ID\": \"4f1c\", \"Names\": \"web\", \"Nested\": {\"A\": 1}}");
    assertEquals("template: :1:10: executing \"\" at <.Foo>: can't evaluate field Foo in type "
        + "*formatter.ContainerContext", assertThrows(TemplateFailure.class,
            () -> Template.parse("{{.ID}} {{.Foo}}").render(row, TemplateContext.CONTAINERS)).getMessage());
    assertEquals("template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type system.versionInfo",
        assertThrows(TemplateFailure.class, () -> Template.parse("{{.Foo}}").render(row, TemplateContext.VERSION))
            .getMessage());
    assertEquals("template: :1:9: executing \"\" at <.Nested.B>: can't evaluate field B",
        assertThrows(TemplateFailure.class,
            () -> Template.parse("{{.Nested.B}}").render(row, TemplateContext.CONTAINERS)).getMessage(),
        "only the row's own type is known");
  }

  @Test
  void anUnknownFieldOfAStructWithinNamesItsGoTypeAsDockersCommandWould() {
    JsonNode info = read("""
        {"Swarm": {"NodeID": "", "RemoteManagers": [{"NodeID": "n1"}]},
         "Runtimes": {"runc": {"path": "runc"}}, "Plugins": {"Volume": ["local"]}}""");
    assertEquals("template: :1:8: executing \"\" at <.Swarm.Foo>: can't evaluate field Foo in type swarm.Info",
        failure("{{.Swarm.Foo}}", info, TemplateContext.INFO));
    assertTrue(failure("{{range .Swarm.RemoteManagers}}{{.Foo}}{{end}}", info, TemplateContext.INFO)
        .endsWith("can't evaluate field Foo in type swarm.Peer"));
    assertTrue(failure("{{(index .Runtimes \"runc\").Foo}}", info, TemplateContext.INFO)
        .endsWith("can't evaluate field Foo in type system.RuntimeWithStatus"));
    JsonNode version = read("""
        {"Client": {"Platform": {"Name": "Berth"}}, "Server": {"Platform": {"Name": "Berth"},
         "Components": [{"Name": "Engine"}]}}""");
    assertTrue(failure("{{.Client.Foo}}", version, TemplateContext.VERSION)
        .endsWith("can't evaluate field Foo in type system.clientVersion"));
    assertTrue(failure("{{.Server.Platform.Foo}}", version, TemplateContext.VERSION)
        .endsWith("can't evaluate field Foo in type struct { Name string }"));
    assertTrue(failure("{{range .Server.Components}}{{.Foo}}{{end}}", version, TemplateContext.VERSION)
        .endsWith("can't evaluate field Foo in type types.ComponentVersion"));
    assertEquals("template: :1:8: executing \"\" at <.Actor.Foo>: can't evaluate field Foo in type events.Actor",
        failure("{{.Actor.Foo}}", read("{\"Actor\": {\"ID\": \"\"}}"), TemplateContext.EVENTS));
  }

  @Test
  void aFieldIsReadUnderTheJsonKeyDockersTagGivesAndAnOmittedOneIsItsZero() {
    // Docker's JSON: the runtime's fields under their tags' keys, a swarm's empty fields left out
    JsonNode info = read("""
        {"Runtimes": {"runc": {"path": "runc", "runtimeType": "io.containerd.runc.v2"}},
         "Swarm": {"NodeID": "", "LocalNodeState": "inactive"}}""");
    assertEquals("runc io.containerd.runc.v2 [] map[]", Template.parse(
        "{{range $k, $v := .Runtimes}}{{$v.Path}} {{$v.Type}} {{$v.Args}} {{$v.Status}}{{end}}").render(info,
        TemplateContext.INFO));
    assertEquals("<nil> 0 0 []", Template.parse("{{.Swarm.Cluster}} {{.Swarm.Nodes}} {{.NFd}} {{.DriverStatus}}")
        .render(info, TemplateContext.INFO));
    JsonNode features = read("{\"CpuCfsQuota\": true, \"BridgeNfIp6tables\": false}");
    assertEquals("true false false", Template.parse("{{.CPUCfsQuota}} {{.BridgeNfIP6tables}} {{.KernelMemory}}")
        .render(features, TemplateContext.INFO), "Go's field names of the flags whose tags rename or omit them");
    assertTrue(failure("{{.Swarm.Cluster.ID}}", info, TemplateContext.INFO)
        .endsWith("nil pointer evaluating *swarm.ClusterInfo.ID"));
    JsonNode version = read("""
        {"Client": {"Version": "1", "ApiVersion": "1.47"}, "Server": {"Version": "1", "ApiVersion": "1.47"}}""");
    assertEquals("1.47 1.47 ", Template.parse("{{.Client.APIVersion}} {{.Server.APIVersion}} {{.Server.BuildTime}}")
        .render(version, TemplateContext.VERSION));
  }

  private static String failure(String template, JsonNode dot, TemplateContext context) {
    return assertThrows(TemplateFailure.class, () -> Template.parse(template).render(dot, context)).getMessage();
  }

  @Test
  void aMountsOmittedFieldsAreItsStructsZeroValuesAsInDocker() {
    // Docker's JSON leaves a bind's Name and Driver out (omitempty), its type has them: scripts
    // list volume names with {{range .Mounts}}{{.Name}}{{end}} over binds and volumes alike
    JsonNode container = read("""
        {"Name": "/web", "Mounts": [{"Type": "bind", "Source": "/a", "Destination": "/x", "RW": true},
           {"Type": "volume", "Name": "data", "Source": "/v/data/_data", "Driver": "local", "Destination": "/d"}],
         "HostConfig": {"Mounts": [{"Type": "bind", "Source": "/a", "Target": "/x"}]}}
        """);
    Template names = Template.parse("{{range .Mounts}}[{{.Name}}:{{.Driver}}]{{end}}");
    assertEquals("[:][data:local]", names.render(container));
    assertEquals("[:][data:local]", names.renderInspected(container));
    assertEquals("<nil> false", Template.parse("{{range .HostConfig.Mounts}}{{.VolumeOptions}} {{.ReadOnly}}{{end}}")
        .render(container));
    assertEquals("[{\"Type\":\"bind\",\"Source\":\"/a\",\"Destination\":\"/x\",\"RW\":true}]",
        Template.parse("{{json (slice .Mounts 0 1)}}").render(container), "still left out of the JSON");
    assertThrows(CommandFailure.class, () -> Template.parse("{{range .Mounts}}{{.Target}}{{end}}").render(container));
    assertThrows(CommandFailure.class, () -> Template.parse("{{.HostConfig.Name}}").render(container),
        "other structs have no Name");
  }

  @Test
  void indexOfAKeyAMapOfStringsLacksIsTheEmptyStringAsInGo() {
    // Go's index gives the element type's zero value; scripts test for it: [ -z "$(inspect -f '{{index ...}}')" ]
    assertEquals("[] [web]", render("[{{index .Config.Labels \"x\"}}] [{{index .Config.Labels \"team\"}}]"));
    JsonNode unlabelled = read("{\"Config\": {\"Labels\": null}, \"HostConfig\": {\"Sysctls\": null}}");
    assertEquals("[] [] map[]", Template.parse(
        "[{{index .Config.Labels \"x\"}}] [{{index .HostConfig.Sysctls \"x\"}}] {{.Config.Labels}}")
        .renderInspected(unlabelled));
  }

  @Test
  void indexOfAKeyAMapLacksIsTheZeroOfItsElementsAsInGo() {
    // map[string]*network.EndpointSettings: a nil pointer; nat.PortMap: a nil slice
    assertEquals("<nil> 10.89.0.7", render("{{index .NetworkSettings.Networks \"nosuch\"}} "
        + "{{(index .NetworkSettings.Networks \"alpha\").IPAddress}}"));
    JsonNode container = read("""
        {"NetworkSettings": {"Networks": null, "Ports": {"80/tcp": null}},
         "HostConfig": {"PortBindings": {}}, "Volume": {"Status": {}}}""");
    assertEquals("<nil> [] [] [] <no value>", Template.parse("{{index .NetworkSettings.Networks \"x\"}} "
        + "{{index .NetworkSettings.Ports \"53/udp\"}} {{index .NetworkSettings.Ports \"80/tcp\"}} "
        + "{{index .HostConfig.PortBindings \"53/udp\"}} {{index .Volume.Status \"x\"}}").renderInspected(container));
    // a field of a map's missing key is no value whatever the map holds, as Go's
    assertEquals("<no value>", render("{{.NetworkSettings.Networks.nosuch}}"));
  }

  @Test
  void aMapsMissingKeyPrintsNoValueAsInGo() {
    assertEquals("<no value>", render("{{.Config.Labels.x}}"));
    assertEquals("web <no value>", render("{{with .Config.Labels}}{{.team}} {{.nope}}{{end}}"));
    assertEquals("<no value>", render("{{.NetworkSettings.Networks.nope}}"));
    assertEquals("<no value>", Template.parse("{{.Actor.Attributes.nope}}").render(
        read("{\"Actor\": {\"ID\": \"x\", \"Attributes\": {\"name\": \"web\"}}}")));
    assertEquals("ID <no value>", Template.parse("{{.ID}} {{.Foo}}").renderHeader(read("{\"ID\": \"ID\"}")),
        "a table's header is a map of column titles");
  }

  @Test
  void aNilPointerDockerLeavesOutOfItsJsonIsNil() {
    assertEquals("none <nil>", render("{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.SizeRw}}"));
  }

  @Test
  void aNilSliceOrMapPrintsEmptyAsGoDoesAndIsNullAsJson() {
    JsonNode container = read("""
        {"ExecIDs": null, "Config": {"Entrypoint": null, "Env": null, "Labels": null, "Cmd": ["sh"]},
         "GraphDriver": {"Data": null}, "HostConfig": {"MemorySwappiness": null},
         "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "9000/tcp": null}}}
        """);
    assertEquals("[] [] [] map[] map[] <nil>", Template.parse("{{.ExecIDs}} {{.Config.Entrypoint}} {{.Config.Env}} "
        + "{{.Config.Labels}} {{.GraphDriver.Data}} {{.HostConfig.MemorySwappiness}}").render(container));
    assertEquals("null null null", Template.parse("{{json .ExecIDs}} {{json .Config.Entrypoint}} {{json .Config.Labels}}")
        .render(container));
    assertEquals("map[80/tcp:[{0.0.0.0 8080}] 9000/tcp:[]]",
        Template.parse("{{.NetworkSettings.Ports}}").render(container), "an exposed port without bindings");
    assertEquals("{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}],\"9000/tcp\":null}",
        Template.parse("{{json .NetworkSettings.Ports}}").render(container));
    assertEquals("none 0 none", Template.parse("{{if .ExecIDs}}some{{else}}none{{end}} {{len .Config.Env}} "
        + "{{range .Config.Entrypoint}}x{{else}}none{{end}}").render(container));
    assertEquals("{\"ExecIDs\":null}", Template.parse("{{json .}}").render(read("{\"ExecIDs\": null}")),
        "the value itself is left as it is");
  }

  @Test
  void fieldsDockersJsonLeavesOutWhenEmptyAreStillFields() {
    JsonNode container = read("{\"Config\": {\"Image\": \"busybox\"}, \"HostConfig\": {}}");
    assertEquals("<nil> [] false  <nil> map[]", Template.parse("{{.Config.Healthcheck}} {{.Config.Shell}} "
        + "{{.Config.ArgsEscaped}} {{.Config.MacAddress}} {{.Config.StopTimeout}} {{.HostConfig.Tmpfs}}")
        .render(container));
    assertEquals("null", Template.parse("{{json .Config.Healthcheck}}").render(container));
    TemplateFailure below = assertThrows(TemplateFailure.class,
        () -> Template.parse("{{.Config.Healthcheck.Test}}").render(container));
    assertEquals("template: :1:9: executing \"\" at <.Config.Healthcheck.Test>: "
        + "nil pointer evaluating *container.HealthConfig.Test", below.getMessage());
    // a volume's Status and UsageData, which Docker's volume inspect leaves out
    JsonNode volume = read("{\"Name\": \"data\", \"Driver\": \"local\"}");
    assertEquals("map[] <nil>", Template.parse("{{.Status}} {{.UsageData}}").render(volume));
  }

  @Test
  void aHealthchecksDurationsPrintAsGosDurationsAndStayNanosecondsInJson() {
    JsonNode container = read("""
        {"Config": {"Healthcheck": {"Test": ["CMD", "true"], "Interval": 30000000000, "Timeout": 90000000000,
         "StartPeriod": 3723500000000, "StartInterval": 0, "Retries": 3}}}
        """);
    assertEquals("30s 1m30s 1h2m3.5s 0s 3", Template.parse("{{with .Config.Healthcheck}}{{.Interval}} {{.Timeout}} "
        + "{{.StartPeriod}} {{.StartInterval}} {{.Retries}}{{end}}").render(container));
    assertEquals("30s 30000000000 true", Template.parse("{{printf \"%v %d\" .Config.Healthcheck.Interval "
        + ".Config.Healthcheck.Interval}} {{eq .Config.Healthcheck.Interval 30000000000}}").render(container));
    assertEquals("{\"Test\":[\"CMD\",\"true\"],\"Interval\":30000000000,\"Timeout\":90000000000,"
        + "\"StartPeriod\":3723500000000,\"StartInterval\":0,\"Retries\":3}",
        Template.parse("{{json .Config.Healthcheck}}").render(container));
    assertEquals("1.5ms 2µs 7ns -1m0.000000001s 2562047h47m16.854775808s", String.join(" ",
        new GoDuration(1_500_000).printed(), new GoDuration(2_000).printed(), new GoDuration(7).printed(),
        new GoDuration(-60_000_000_001L).printed(), new GoDuration(Long.MIN_VALUE).printed().substring(1)));
  }

  @Test
  void aHealthchecksFieldsItsJsonLeavesOutReadAsGosZeroValues() {
    // Docker's HealthConfig is all omitempty: --no-healthcheck's check is {"Test":["NONE"]} alone
    JsonNode container = read("{\"Config\": {\"Healthcheck\": {\"Test\": [\"NONE\"]}}}");
    assertEquals("[NONE] 0s 0s 0s 0s 0", Template.parse("{{with .Config.Healthcheck}}{{.Test}} {{.Interval}} "
        + "{{.Timeout}} {{.StartPeriod}} {{.StartInterval}} {{.Retries}}{{end}}").render(container));
    assertEquals("{\"Test\":[\"NONE\"]}", Template.parse("{{json .Config.Healthcheck}}").render(container));
    JsonNode intervalOnly = read("{\"Config\": {\"Healthcheck\": {\"Interval\": 5000000000}}}");
    assertEquals("[] 5s 0", Template.parse("{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} "
        + "{{.Config.Healthcheck.Retries}}").render(intervalOnly));
  }

  @Test
  void jsonIndexAndFunctions() {
    assertEquals("{\"team\":\"web\",\"tier.name\":\"front\"}", render("{{json .Config.Labels}}"));
    assertEquals("front web", render("{{index .Config.Labels \"tier.name\"}} {{index .Config.Labels `team`}}"));
    assertEquals("-f", render("{{index .Config.Cmd 1}}"));
    assertEquals("2 httpd,-f BUSYBOX", render("{{len .Mounts}} {{join .Config.Cmd \",\"}} {{upper .Config.Image}}"));
    assertEquals("\"busybox\"", render("{{.Config.Image | json}}"));
    assertEquals("web:42", render("{{printf \"%s:%d\" (index .Config.Labels \"team\") .State.Pid}}"));
    // Go's flags, widths and precisions, as scripts pad columns with them
    assertEquals("busybox   |", render("{{printf \"%-10s|\" .Config.Image}}"));
    assertEquals("busy", render("{{printf \"%.4s\" .Config.Image}}"));
    assertEquals("   42 00042 2a 2A", render("{{printf \"%5d %05d %x %X\" .State.Pid .State.Pid .State.Pid .State.Pid}}"));
    assertEquals("3.14", render("{{printf \"%.2f\" 3.14159}}"));
    assertEquals("%!d(string=busybox)", render("{{printf \"%d\" .Config.Image}}"));
    assertEquals("10.89.0.7", render("{{(index .NetworkSettings.Networks \"alpha\").IPAddress}}"));
  }

  @Test
  void rangeOverListsAndObjectsInKeyOrder() {
    assertEquals("/a:/x /b:/y ", render("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}"));
    assertEquals("10.89.0.7 10.90.0.2 ", render("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}"));
    assertEquals("alpha=10.89.0.7;zeta=10.90.0.2;",
        render("{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}};{{end}}"));
    assertEquals("0:/a 1:/b ", render("{{range $i, $m := .Mounts}}{{$i}}:{{$m.Source}} {{end}}"));
    assertEquals("none", render("{{range .Config.Entrypoint}}x{{else}}none{{end}}"));
    assertEquals("/web /web ", render("{{range .Mounts}}{{$.Name}} {{end}}"));
  }

  @Test
  void conditionsWithAndTrimMarkers() {
    assertEquals("up", render("{{if .State.Running}}up{{else}}down{{end}}"));
    assertEquals("ok", render("{{if eq .State.Status \"exited\"}}gone{{else if eq .State.ExitCode 0}}ok{{end}}"));
    assertEquals("web", render("{{with .Config.Labels}}{{.team}}{{end}}"));
    assertEquals("a,b", render("a,  {{- /* a comment */ -}}  {{- \"b\" -}}  \n"));
    assertEquals("a-1", render("a{{-\n-1}}"));
    assertEquals("yes", render("{{if and .State.Running (not .State.ExitCode)}}yes{{end}}"));
    assertEquals("running", render("{{$s := .State.Status}}{{$s}}"));
  }

  @Test
  void mistakesAreReportedNotPrinted() {
    CommandFailure unknown = assertThrows(CommandFailure.class, () -> render("{{nosuch .Id}}"));
    assertTrue(unknown.getMessage().contains("function \"nosuch\" not defined"), unknown.getMessage());
    assertThrows(CommandFailure.class, () -> render("{{.Id"));
    assertThrows(CommandFailure.class, () -> render("{{if .Id}}x"));
    assertThrows(CommandFailure.class, () -> render("{{end}}"));
    CommandFailure field = assertThrows(CommandFailure.class, () -> render("{{.Name.Length}}"));
    assertTrue(field.getMessage().contains("can't evaluate field Length"), field.getMessage());
    assertThrows(CommandFailure.class, () -> render("{{range .Name}}{{end}}"));
    assertThrows(CommandFailure.class, () -> render("{{.Id .Name}}"));
    assertThrows(CommandFailure.class, () -> render("{{.Config.Label 1}}"));
  }

  @Test
  void aRowsLabelMethodReadsItsLabels() {
    JsonNode row = read("""
        {"Names": "web", "Labels": "team=web,tier=front,back,note=a=b"}
        """);
    assertEquals("web|front,back|a=b|", Template.parse(
        "{{.Label \"team\"}}|{{.Label \"tier\"}}|{{.Label `note`}}|{{.Label \"none\"}}").render(row));
    assertEquals("WEB", Template.parse("{{\"team\" | .Label | upper}}").render(row));
    assertEquals("front", render("{{.Config.Label \"tier.name\"}}"), "an object's labels too");
  }

  @Test
  void aLabelsColumnIsTitledAsDockersHeaderTitlesIt() {
    JsonNode titles = read("{\"Names\": \"NAMES\", \"Labels\": \"LABELS\"}");
    assertEquals("NAMES\tteam\tapp tier\tx y\tLABELS", Template.parse(
        "{{.Names}}\t{{.Label \"team\"}}\t{{.Label \"com.example.app-tier\"}}\t{{.Label `x_y`}}\t{{.Labels}}")
        .renderHeader(titles));
    assertEquals("team", Template.parse("{{\"team\" | .Label | upper}}").renderHeader(titles));
  }

  @Test
  void dockersStringFunctions() {
    assertEquals("4f1c", render("{{truncate .Id 4}}"));
    assertEquals("/web", render("{{truncate .Name 10}}"));
    assertEquals("héé", Template.parse("{{truncate \"hééllo\" 3}}").render(INSPECT), "runes, not bytes");
    assertEquals("  busybox ", render("{{pad .Config.Image 2 1}}"));
    assertEquals("", render("{{pad \"\" 2 1}}"), "nothing to pad, no spaces");
    assertEquals("[a b c] b", render("{{split \"a,b,c\" \",\"}} {{index (split \"a,b,c\" \",\") 1}}"));
    assertEquals("a-b-c", render("{{join (split \"a,b,c\" \",\") \"-\"}}"));
    assertEquals("Hello World-Wide Web_site", render("{{title \"hello world-wide web_site\"}}"));
    assertEquals("busybox BUSYBOX", render("{{lower \"BusyBox\"}} {{upper .Config.Image}}"));
    assertEquals("a 1\n", render("{{println \"a\" 1}}"));
    assertThrows(CommandFailure.class, () -> render("{{truncate .Id \"4\"}}"));
    assertThrows(CommandFailure.class, () -> render("{{pad .Id 1}}"));
  }

  @Test
  void goSliceAndLen() {
    assertEquals("4f1c [-f] [httpd] ffee", render(
        "{{slice .Id 0 4}} {{slice .Config.Cmd 1}} {{slice .Config.Cmd 0 1}} {{slice .Id 5}}"));
    assertEquals("9 2", render("{{len .Id}} {{len .Config.Cmd}}"));
    assertEquals("0", render("{{len .Config.Entrypoint}}"), "Go's length of a nil list");
    assertThrows(CommandFailure.class, () -> render("{{slice .Id 3 20}}"));
    assertThrows(CommandFailure.class, () -> render("{{slice .State.Pid 1}}"));
  }

  @Test
  void aTablesHeaderKeepsItsTitlesThroughDockersFunctions() {
    JsonNode titles = read("{\"ID\": \"CONTAINER ID\", \"Labels\": \"LABELS\"}");
    assertEquals("CONTAINER ID\tLABELS", Template.parse("{{truncate .ID 4}}\t{{json .Labels}}").renderHeader(titles));
  }

  private static String failure(String template, JsonNode dot) {
    return assertThrows(TemplateFailure.class, () -> Template.parse(template).render(dot)).getMessage();
  }

  @Test
  void executionErrorsNameLineColumnAndNodeAsGo() {
    assertEquals("template: :2:11: executing \"\" at <.Config.Missing>: can't evaluate field Missing",
        failure("a\n  {{.Config.Missing}}", INSPECT), "the column counts from 0 on a later line; a chain stands at its second link, as Go's parser places it");
    assertEquals("template: :1:5: executing \"\" at <.Nope>: can't evaluate field Nope", failure("é {{.Nope}}", INSPECT),
        "Go counts bytes");
    assertEquals("template: :1:2: executing \"\" at <index .Config.Cmd 5>: error calling index: index out of range: 5",
        failure("{{index .Config.Cmd 5}}", INSPECT), "a failed call names the whole command");
    assertEquals("template: :1:2: executing \"\" at <join>: wrong number of args for join: want 2 got 1",
        failure("{{join .Config.Cmd}}", INSPECT), "a wrong number of arguments names the function");
    assertEquals("template: :1:8: executing \"\" at <.Name>: range can't iterate over /web",
        failure("{{range .Name}}{{end}}", INSPECT));
    assertEquals("template: :1:27: executing \"\" at <$n.Nope>: can't evaluate field Nope",
        failure("{{range $n := .Mounts}}{{$n.Nope}}{{end}}", INSPECT));
    // Go's quirk: a chain's field is reported at the last part evaluated inside the parentheses
    assertEquals("template: :1:35: executing \"\" at <\"alpha\">: can't evaluate field Nope",
        failure("{{(index .NetworkSettings.Networks \"alpha\").Nope}}", INSPECT));
    assertEquals("template: :1:7: executing \"\" at <.Name.Length>: can't evaluate field Length in type string",
        failure("{{.Name.Length}}", INSPECT));
  }

  @Test
  void parseErrorsNameTheLineAsGo() {
    assertEquals("template: :1: function \"nosuch\" not defined",
        assertThrows(TemplateFailure.class, () -> Template.parse("{{nosuch .Id}}")).getMessage());
    assertEquals("template: :2: unexpected {{end}}",
        assertThrows(TemplateFailure.class, () -> Template.parse("x\n{{end}}")).getMessage());
    assertEquals("template: :1: unexpected EOF",
        assertThrows(TemplateFailure.class, () -> Template.parse("{{if .Id}}x")).getMessage());
    assertEquals("template: :1: unclosed action",
        assertThrows(TemplateFailure.class, () -> Template.parse("{{.Id")).getMessage());
    assertEquals("template: version:3: function \"x\" not defined",
        assertThrows(TemplateFailure.class, () -> Template.parse("version", "a\nb\n{{x}}")).getMessage());
  }

  @Test
  void inspectReadsTheRawJsonWhereTheTypesFail() {
    Template foo = Template.parse("{{.Foo}}");
    assertEquals("template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"",
        assertThrows(TemplateFailure.class, () -> foo.renderInspected(INSPECT)).getMessage());
    // a container without a health check: Docker's famous message
    assertEquals("template: :1:8: executing \"\" at <.State.Health.Status>: map has no entry for key \"Health\"",
        assertThrows(TemplateFailure.class,
            () -> Template.parse("{{.State.Health.Status}}").renderInspected(INSPECT)).getMessage());
    assertEquals("<no value> running", Template.parse("{{.Config.Labels.x}} {{.State.Status}}").renderInspected(INSPECT),
        "what the types allow is not read again");
    assertEquals("template: :1:7: executing \"\" at <.Name.Length>: can't evaluate field Length in type string",
        assertThrows(TemplateFailure.class, () -> Template.parse("{{.Name.Length}}").renderInspected(INSPECT))
            .getMessage());
  }

  @Test
  void aFieldOfANilPointerFailsAfterWhatWasWritten() {
    JsonNode version = read("{\"Client\": {\"Version\": \"1.0\"}, \"Server\": null}");
    TemplateFailure f = assertThrows(TemplateFailure.class,
        () -> Template.parse("version", "{{.Client.Version}} {{.Server.Version}}").render(version));
    assertEquals("template: version:1:29: executing \"version\" at <.Server.Version>: "
        + "nil pointer evaluating *types.Version.Version", f.getMessage());
    assertEquals("1.0 ", f.partial());
    assertEquals("<no value>", Template.parse("{{.Config.Labels.x.y}}").render(INSPECT), "below a missing key: nothing");
  }
}
