package dev.berth.ctl.flags;

import static dev.berth.ctl.flags.GoNumbersTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Docker's flag value types (opts.MemBytes, MemSwapBytes, NanoCPUs) and pflag's int, int64 and uint16. */
class PflagTypesTest {
  private final PflagTypes.MemBytes memBytes = new PflagTypes.MemBytes();
  private final PflagTypes.NanoCpus nanoCpus = new PflagTypes.NanoCpus();

  @Test
  void memBytesReadsSizesAsGoUnitsRamInBytes() {
    assertEquals("536870912", memBytes.convert("512m"));
    assertEquals("1610612736", memBytes.convert("1.5g"));
    assertEquals("67108864", memBytes.convert("64MiB"));
    assertEquals("1048576", memBytes.convert("1 MB"));
    assertEquals("1024", memBytes.convert("1024b"));
    assertEquals("1000", memBytes.convert("1e3"));
    assertEquals("-1", new PflagTypes.MemSwapBytes().convert("-1"));
    assertEquals("2048", new PflagTypes.MemSwapBytes().convert("2k"));
  }

  @Test
  void filtersAreTrimmedAndTheirKeysLowerCasedAsDockersFilterOpt() {
    PflagTypes.Filter filter = new PflagTypes.Filter();
    assertEquals("status=running", filter.convert("Status=running"));
    assertEquals("status=running", filter.convert(" status = running "));
    assertEquals("label=a=B c", filter.convert("LABEL= a=B c"));
    assertEquals("dangling=", filter.convert("dangling="));
    assertEquals("bad format of filter (expected name=value)", error(() -> filter.convert("dangling")));
  }

  @Test
  void memBytesRefusesInGoUnitsWords() {
    assertEquals("invalid suffix: 'x'", error(() -> memBytes.convert("1x")));
    assertEquals("invalid suffix: 'Mbyte'", error(() -> memBytes.convert("1Mbyte")));
    assertEquals("invalid suffix: 'bb'", error(() -> memBytes.convert("1bb")));
    assertEquals("invalid size: 'abc'", error(() -> memBytes.convert("abc")));
    assertEquals("invalid size: '-1'", error(() -> memBytes.convert("-1")));
    assertEquals("strconv.ParseFloat: parsing \"1.2.3\": invalid syntax", error(() -> memBytes.convert("1.2.3m")));
  }

  @Test
  void nanoCpusReadsARationalNumberToTheNanoCpu() {
    assertEquals("1.5", nanoCpus.convert("1.5"));
    assertEquals("0.5", nanoCpus.convert("1/2"));
    assertEquals("2", nanoCpus.convert("2.000"));
    assertEquals("0.000000001", nanoCpus.convert("1e-9"));
    assertEquals("failed to parse abc as a rational number", error(() -> nanoCpus.convert("abc")));
    assertEquals("failed to parse 1/0 as a rational number", error(() -> nanoCpus.convert("1/0")));
    assertEquals("value is too precise", error(() -> nanoCpus.convert("0.0000000001")));
    assertEquals("value is too precise", error(() -> nanoCpus.convert("1/3")));
  }

  @Test
  void durationsAreReadAsGosParseDuration() {
    PflagTypes.Duration duration = new PflagTypes.Duration();
    assertEquals("90000000000ns", duration.convert("1m30s"));
    assertEquals("5400000000000ns", duration.convert("1.5h"));
    assertEquals("500000000ns", duration.convert(".5s"));
    assertEquals("1000ns", duration.convert("1\u00b5s"));
    assertEquals("0ns", duration.convert("0"));
    assertEquals("-5s", duration.convert("-5s"));
    assertEquals("time: invalid duration \"abc\"", error(() -> duration.convert("abc")));
    assertEquals("time: invalid duration \"\"", error(() -> duration.convert("")));
    assertEquals("time: invalid duration \".s\"", error(() -> duration.convert(".s")));
    assertEquals("time: missing unit in duration \"30\"", error(() -> duration.convert("30")));
    assertEquals("time: missing unit in duration \"1h2\"", error(() -> duration.convert("1h2")));
    assertEquals("time: unknown unit \"x\" in duration \"1x\"", error(() -> duration.convert("1x")));
    assertEquals("time: unknown unit \"sec\" in duration \"5sec\"", error(() -> duration.convert("5sec")));
  }

  @Test
  void ulimitsAreReadAsGoUnitsParseUlimit() {
    PflagTypes.Ulimit ulimit = new PflagTypes.Ulimit();
    assertEquals("nofile=1024:2048", ulimit.convert("nofile=1024:2048"));
    assertEquals("nproc=100:100", ulimit.convert("nproc=100"));
    assertEquals("core=-1:-1", ulimit.convert("core=-1"));
    assertEquals("invalid ulimit argument: nofile", error(() -> ulimit.convert("nofile")));
    assertEquals("invalid ulimit type: as", error(() -> ulimit.convert("as=1")));
    assertEquals("strconv.ParseInt: parsing \"x\": invalid syntax", error(() -> ulimit.convert("nofile=x")));
    assertEquals("strconv.ParseInt: parsing \"0x10\": invalid syntax", error(() -> ulimit.convert("nofile=0x10")));
    assertEquals("strconv.ParseInt: parsing \"y\": invalid syntax", error(() -> ulimit.convert("nofile=x:y")));
    assertEquals("too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`",
        error(() -> ulimit.convert("nofile=1:2:3")));
    assertEquals("ulimit soft limit must be less than or equal to hard limit: 2048 > 1024",
        error(() -> ulimit.convert("nofile=2048:1024")));
    assertEquals("ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 5",
        error(() -> ulimit.convert("nofile=-1:5")));
  }

  @Test
  void integerTypesHandOnGosValue() {
    assertEquals("16", new PflagTypes.Int64Text().convert("0x10"));
    assertEquals("500", new PflagTypes.Uint16Text().convert("0o764"));
    assertEquals(-1L, new PflagTypes.Int64().convert("-1"));
    // Go's int is 64 bits: out of range only past int64
    assertEquals(9999999999L, new PflagTypes.Int64().convert("9999999999"));
    assertEquals("strconv.ParseInt: parsing \"9223372036854775808\": value out of range",
        error(() -> new PflagTypes.Int64().convert("9223372036854775808")));
  }
}
