package dev.berth.ctl;

/**
 * -it asked of berthctl while its standard input is a pipe or a file: refused before anything is
 * made, with docker's message and exit code 1 (see {@link Io#requireTerminalIn()}).
 */
public final class NoTerminalInput extends ClientRefusal {
  NoTerminalInput() {
    super("the input device is not a TTY");
  }
}
