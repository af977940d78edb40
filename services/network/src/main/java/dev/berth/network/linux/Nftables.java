package dev.berth.network.linux;

import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * An nftables context. libnftables talks to the network namespace of the thread that runs a
 * command, so create and use one only on a thread that stays in one namespace.
 */
public final class Nftables implements AutoCloseable {
  private final Pointer ctx;

  private Nftables(Pointer ctx) {
    this.ctx = ctx;
  }

  public static Nftables open() throws IOException {
    Pointer ctx = LibNftables.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
    if (ctx == null) {
      throw new IOException("nft_ctx_new failed");
    }
    if (LibNftables.nft_ctx_buffer_output(ctx) != 0 || LibNftables.nft_ctx_buffer_error(ctx) != 0) {
      LibNftables.nft_ctx_free(ctx);
      throw new IOException("nft_ctx_buffer_output/error failed");
    }
    return new Nftables(ctx);
  }

  /** Runs {@code commands} (nft syntax) as one atomic transaction; returns what nft printed. */
  public String run(String commands) throws IOException {
    int rc = LibNftables.nft_run_cmd_from_buffer(ctx, commands);
    String output = buffer(LibNftables.nft_ctx_get_output_buffer(ctx));
    String errors = buffer(LibNftables.nft_ctx_get_error_buffer(ctx));
    if (rc != 0) {
      throw new IOException("nft_run_cmd_from_buffer failed: " + errors.strip());
    }
    return output;
  }

  private static String buffer(Pointer p) {
    return p == null ? "" : p.getString(0);
  }

  @Override
  public void close() {
    LibNftables.nft_ctx_free(ctx);
  }
}
