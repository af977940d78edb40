package dev.berth.common.testing;

import dev.berth.common.leases.LeaseRecorder;

/** For tests of a service whose lease bookkeeping is not what they check. */
public final class NoLeases implements LeaseRecorder {
  @Override
  public void add(String namespace, String lease, String type, String id) {}

  @Override
  public void remove(String namespace, String lease, String type, String id) {}
}
