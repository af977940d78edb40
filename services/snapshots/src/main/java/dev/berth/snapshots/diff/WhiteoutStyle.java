package dev.berth.snapshots.diff;

/** How a layer's deletions are carried out on the target directory. */
enum WhiteoutStyle {
  /**
   * The target is an overlay upperdir: a deletion becomes overlay's whiteout (a 0/0 character
   * device), an opaque directory gets {@code trusted.overlay.opaque=y}; lower layers stay untouched.
   */
  OVERLAY_UPPER,
  /** The target is the complete tree (a plain or mounted directory): deletions delete. */
  DELETE
}
