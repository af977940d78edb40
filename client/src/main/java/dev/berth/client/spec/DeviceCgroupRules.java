package dev.berth.client.spec;

import dev.berth.client.ClientException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's {@code --device-cgroup-rule 'c 1:3 rwm'}: a device cgroup rule that lets the container
 * use device nodes it makes itself (mknod) or is given later, as Docker's CLI checks it; {@code *}
 * stands for any major or minor number (-1 in the spec, runc's wildcard).
 */
public final class DeviceCgroupRules {
  private static final Pattern RULE = Pattern.compile("([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})");

  private DeviceCgroupRules() {}

  public static Spec.DeviceRule parse(String text) {
    Matcher m = RULE.matcher(text);
    if (!m.matches() || number(m.group(2)) == null && !m.group(2).equals("*")
        || number(m.group(3)) == null && !m.group(3).equals("*")) {
      // Docker's CLI's words
      throw new ClientException("invalid argument \"" + text + "\" for \"--device-cgroup-rule\" flag: "
          + "invalid device cgroup format '" + text + "'");
    }
    return new Spec.DeviceRule(true, m.group(1), wildcard(m.group(2)), wildcard(m.group(3)), m.group(4));
  }

  private static Long wildcard(String number) {
    return number.equals("*") ? Long.valueOf(-1) : number(number);
  }

  private static Long number(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
