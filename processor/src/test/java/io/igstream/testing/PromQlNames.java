package io.igstream.testing;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. A small tokenizer rather than a parser: it skips
 * strings, label matchers in braces, ranges and durations in brackets, numbers, Grafana variables,
 * the label lists of {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_*}, and
 * every identifier followed by an opening parenthesis (functions) or that PromQL reserves
 * (aggregations, set operators); what is left is a metric name.
 */
public final class PromQlNames {

  private static final Set<String> RESERVED =
      Set.of(
          // aggregation operators, which may be followed by `by (...)` before their parenthesis
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio",
          // binary and modifier keywords
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "atan2",
          "inf",
          "nan");

  /** Keywords followed by a parenthesised list of label names, not of expressions. */
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  /** Grafana's {@code label_values(selector, label)}: only the selector names a metric. */
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*$");

  private static final Pattern LABEL_VALUES_ALL =
      Pattern.compile("^\\s*label_values\\(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*$");

  private PromQlNames() {}

  /**
   * The PromQL inside a Grafana template variable's query: the selector of {@code
   * label_values(selector, label)}, nothing for {@code label_values(label)}, else the query itself.
   */
  public static String promQlOfVariableQuery(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    if (m.matches()) {
      return m.group(1);
    }
    return LABEL_VALUES_ALL.matcher(query).matches() ? "" : query;
  }

  /** The metric names of a PromQL expression, in order of appearance. */
  public static Set<String> of(String expr) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = afterString(expr, i);
      } else if (c == '{') {
        i = after(expr, i, '{', '}');
      } else if (c == '[') {
        i = after(expr, i, '[', ']');
      } else if (c == '$') {
        // Grafana variables: $name, ${name}, ${name:format}
        i++;
        if (i < n && expr.charAt(i) == '{') {
          i = after(expr, i, '{', '}');
        } else {
          while (i < n && isIdentifierPart(expr.charAt(i))) {
            i++;
          }
        }
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && isDigit(expr, i + 1))) {
        // numbers, durations (5m, 1h30m) and exponents (1e3)
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++;
        }
      } else if (isIdentifierStart(c)) {
        int start = i;
        while (i < n && isIdentifierPart(expr.charAt(i))) {
          i++;
        }
        String word = expr.substring(start, i);
        int next = skipSpaces(expr, i);
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(word.toLowerCase())) {
          i = call ? after(expr, next, '(', ')') : i;
        } else if (!call && !RESERVED.contains(word.toLowerCase())) {
          names.add(word);
        }
      } else {
        i++;
      }
    }
    return names;
  }

  private static boolean isDigit(String s, int i) {
    return Character.isDigit(s.charAt(i));
  }

  private static boolean isIdentifierStart(char c) {
    return Character.isLetter(c) || c == '_' || c == ':';
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index after the string starting at {@code i}, escapes included. */
  private static int afterString(String s, int i) {
    char quote = s.charAt(i);
    i++;
    while (i < s.length() && s.charAt(i) != quote) {
      i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
    }
    return i + 1;
  }

  /** The index after the bracket closing the one at {@code i}, strings inside skipped. */
  private static int after(String s, int i, char open, char close) {
    int depth = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = afterString(s, i);
        continue;
      }
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unbalanced '" + open + "' in: " + s);
  }
}
