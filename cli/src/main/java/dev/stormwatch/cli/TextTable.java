package dev.stormwatch.cli;

import java.io.PrintWriter;
import java.util.List;

/** The CLI's plain-text tables: columns padded to their widest cell, two spaces apart. */
final class TextTable {

  private TextTable() {
  }

  /**
   * Prints the rows (the first is the header); every column but the last is padded to its
   * widest cell plus two spaces, the last is not padded.
   */
  static void print(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns - 1; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns - 1; c++) {
        line.append(row[c]).append(" ".repeat(widths[c] - row[c].length() + 2));
      }
      out.println(line.append(row[columns - 1]));
    }
  }
}
