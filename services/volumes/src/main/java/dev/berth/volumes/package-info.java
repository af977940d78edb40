/**
 * Named volumes (berth.volumes.v1): {@link dev.berth.volumes.VolumesService} (gRPC, thin) over
 * {@link dev.berth.volumes.VolumeStore}, which holds the rules and keeps the records in the
 * metadata database and the data under the root, where {@link dev.berth.volumes.LocalDriverOptions}
 * mount a file system when a volume has them. Which containers use a volume it asks the
 * Containers API (the {@code io.berth.volumes} label).
 */
package dev.berth.volumes;
