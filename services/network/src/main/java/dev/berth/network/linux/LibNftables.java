package dev.berth.network.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * libnftables (Debian's libnftables1), direct-mapped: the library nft itself is built on. Only
 * {@link Nftables} calls this class.
 */
final class LibNftables {
  static {
    // Only the versioned name is installed without the -dev package.
    Native.register(LibNftables.class, NativeLibrary.getInstance("libnftables.so.1"));
  }

  static final int NFT_CTX_DEFAULT = 0;

  private LibNftables() {}

  static native Pointer nft_ctx_new(int flags);

  static native void nft_ctx_free(Pointer ctx);

  static native int nft_ctx_buffer_output(Pointer ctx);

  static native int nft_ctx_buffer_error(Pointer ctx);

  static native Pointer nft_ctx_get_output_buffer(Pointer ctx);

  static native Pointer nft_ctx_get_error_buffer(Pointer ctx);

  static native int nft_run_cmd_from_buffer(Pointer ctx, String buffer);
}
