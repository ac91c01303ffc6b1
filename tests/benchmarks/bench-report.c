/* bench-report.c: the table, the JSON lines, bench-results.json and .svg
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>

#include "bench.h"

typedef struct
{
  char    *id;
  char    *unit;
  double   streamlib;
  double   reference;     /* NAN: none */
  double   ratio;
  gboolean higher_is_better;
  Goal     goal;
} Row;

static GPtrArray *rows;

void
report_add (const char *id,
            const char *unit,
            double      streamlib,
            double      reference,
            double      ratio,
            gboolean    higher_is_better,
            Goal        goal)
{
  Row *row = g_new0 (Row, 1);

  if (rows == NULL)
    rows = g_ptr_array_new ();
  row->id = g_strdup (id);
  row->unit = g_strdup (unit);
  row->streamlib = streamlib;
  row->reference = reference;
  if (isnan (ratio))
    ratio = !isnan (reference) && reference != 0 ? streamlib / reference : NAN;
  row->ratio = ratio;
  row->higher_is_better = higher_is_better;
  row->goal = goal;
  g_ptr_array_add (rows, row);
}

static Row *
find_row (const char *id)
{
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      if (strcmp (row->id, id) == 0)
        return row;
    }
  return NULL;
}

/* TRUE/FALSE when the goal applies, -1 when it cannot be judged. */
static int
goal_met (const Row *row)
{
  const Row *base;

  if (isnan (row->ratio) && row->goal.kind != GOAL_OWN_MEDIAN_TIMES)
    return -1;
  switch (row->goal.kind)
    {
    case GOAL_RATIO_AT_LEAST:
      return row->ratio >= row->goal.value;
    case GOAL_RATIO_AT_MOST:
      return row->ratio <= row->goal.value;
    case GOAL_RATIO_BELOW:
      return row->ratio < row->goal.value;
    case GOAL_OWN_MEDIAN_TIMES:
      base = find_row (row->goal.base);
      if (base == NULL)
        return -1;
      return row->streamlib <= row->goal.value * base->streamlib;
    case GOAL_NONE:
    default:
      return -1;
    }
}

static char *
goal_text (const Row *row)
{
  switch (row->goal.kind)
    {
    case GOAL_RATIO_AT_LEAST:
      return g_strdup_printf ("ratio >= %g", row->goal.value);
    case GOAL_RATIO_AT_MOST:
      return g_strdup_printf ("ratio <= %g", row->goal.value);
    case GOAL_RATIO_BELOW:
      return g_strdup_printf ("ratio < %g", row->goal.value);
    case GOAL_OWN_MEDIAN_TIMES:
      return g_strdup_printf ("<= %g x own median", row->goal.value);
    case GOAL_NONE:
    default:
      return g_strdup ("");
    }
}

/* A JSON number (or null), without exponent for the usual magnitudes. */
static char *
json_number (double value,
             int    decimals)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];

  if (isnan (value) || isinf (value))
    return g_strdup ("null");
  g_snprintf (format, sizeof format, "%%.%df", decimals);
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static int
value_decimals (double value)
{
  value = fabs (value);
  return value >= 1000 ? 1 : value >= 1 ? 3 : 6;
}

static char *
row_json (const Row *row)
{
  g_autofree char *streamlib = json_number (row->streamlib, value_decimals (row->streamlib));
  g_autofree char *reference = json_number (row->reference, value_decimals (row->reference));
  g_autofree char *ratio = json_number (row->ratio, 4);

  return g_strdup_printf ("{\"id\": \"%s\", \"unit\": \"%s\", \"streamlib\": %s, "
                          "\"reference\": %s, \"ratio\": %s}",
                          row->id, row->unit, streamlib, reference, ratio);
}

void
report_emit_last (FILE *json)
{
  g_autofree char *line = NULL;

  g_assert (rows != NULL && rows->len > 0);
  line = row_json (g_ptr_array_index (rows, rows->len - 1));
  printf ("%s\n", line);
  fflush (stdout);
  if (json != NULL)
    {
      fprintf (json, "%s\n", line);
      fflush (json);
    }
}

static void
format_value (char   *buffer,
              gsize   size,
              double  value)
{
  if (isnan (value))
    g_strlcpy (buffer, "-", size);
  else if (fabs (value) >= 1000)
    g_snprintf (buffer, size, "%.0f", value);
  else if (fabs (value) >= 10)
    g_snprintf (buffer, size, "%.1f", value);
  else if (value != 0 && fabs (value) < 0.01)
    g_snprintf (buffer, size, "%.2g", value);
  else
    g_snprintf (buffer, size, "%.3f", value);
}

void
report_print_table (gboolean quick)
{
  guint met = 0, missed = 0;

  fprintf (stderr, "\n%-26s %-11s %13s %13s %9s  %-20s %s\n",
           "id", "unit", "streamlib", "gstreamer", "ratio", "goal", "");
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      g_autofree char *goal = goal_text (row);
      char streamlib[32], reference[32], ratio[32];
      int ok = goal_met (row);

      format_value (streamlib, sizeof streamlib, row->streamlib);
      format_value (reference, sizeof reference, row->reference);
      format_value (ratio, sizeof ratio, row->ratio);
      fprintf (stderr, "%-26s %-11s %13s %13s %9s  %-20s %s\n", row->id, row->unit,
               streamlib, reference, ratio, goal, ok < 0 ? "" : ok ? "met" : "MISSED");
      if (ok > 0)
        met++;
      else if (ok == 0)
        missed++;
    }
  fprintf (stderr,
           "\n%s run, %u CPUs; ratio = streamlib / gstreamer unless no reference (P7: cost at 1000 / at 10;\n"
           "P8: the percentage). Goals met: %u, missed: %u (the benchmark reports, it never fails on them).\n",
           quick ? "quick" : "full", g_get_num_processors (), met, missed);
}

gboolean
report_write_json_array (const char  *path,
                         GError     **error)
{
  GString *out = g_string_new ("[\n");
  gboolean ok;

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      g_autofree char *line = row_json (g_ptr_array_index (rows, i));

      g_string_append_printf (out, "  %s%s\n", line, i + 1 < rows->len ? "," : "");
    }
  g_string_append (out, "]\n");
  ok = g_file_set_contents (path, out->str, out->len, error);
  g_string_free (out, TRUE);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* SVG                                                                       */

/* One horizontal row per measure on a log axis of "times the reference"
 * (0.001× … 100×): a grey bar for GStreamer (always 1×), a coloured one for
 * streamlib, a tick at the goal. Rows without a reference (P7, P8) show
 * their own value against their goal on the same kind of axis. Green: goal
 * met; red: missed. */

#define SVG_LEFT     230
#define SVG_WIDTH    560
#define SVG_ROW      34
#define SVG_TOP      70
#define SVG_DECADES  5          /* 1e-3 … 1e2 */
#define SVG_MIN      1e-3
#define SVG_TEXT     300        /* room for the value on the right */

static double
svg_x (double times)
{
  double lg;

  if (!(times > 0))
    times = SVG_MIN;
  lg = log10 (times);
  lg = CLAMP (lg, -3.0, 2.0);
  return SVG_LEFT + (lg + 3.0) / SVG_DECADES * SVG_WIDTH;
}

static void
svg_escape (GString    *out,
            const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (out, escaped);
}

gboolean
report_write_svg (const char  *path,
                  gboolean     quick,
                  GError     **error)
{
  guint n = rows != NULL ? rows->len : 0;
  guint height = SVG_TOP + n * SVG_ROW + 70;
  g_autoptr(GString) out = g_string_new (NULL);
  double one = svg_x (1);

  g_string_append_printf (out,
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%u\" "
                          "font-family=\"sans-serif\" font-size=\"12\">\n"
                          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                          "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
                          "streamlib vs GStreamer (%s run, %u CPUs)</text>\n"
                          "<text x=\"10\" y=\"40\" fill=\"#555\">Bars: value relative to GStreamer "
                          "(grey = 1x), log scale; black tick = goal; green = goal met, red = missed. "
                          "P7, P8: own value.</text>\n",
                          SVG_LEFT + SVG_WIDTH + SVG_TEXT, height, quick ? "quick" : "full",
                          g_get_num_processors ());

  /* Axis. */
  for (int d = -3; d <= 2; d++)
    {
      double x = svg_x (pow (10, d));

      g_string_append_printf (out,
                              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%u\" stroke=\"%s\"/>\n"
                              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%gx</text>\n",
                              x, SVG_TOP - 8, x, SVG_TOP + n * SVG_ROW, d == 0 ? "#888" : "#ddd",
                              x, SVG_TOP - 12, pow (10, d));
    }

  for (guint i = 0; i < n; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      double y = SVG_TOP + i * SVG_ROW;
      gboolean has_reference = !isnan (row->reference);
      double value = has_reference ? row->ratio : row->streamlib;
      int ok = goal_met (row);
      const char *colour = ok < 0 ? "#4a7bd0" : ok ? "#3a9a4a" : "#d04a3a";
      double goal_times = NAN;
      char label[64];

      g_string_append (out, "<text x=\"10\" y=\"");
      g_string_append_printf (out, "%.1f\">", y + 19);
      svg_escape (out, row->id);
      g_string_append (out, "</text>\n");

      if (has_reference)
        g_string_append_printf (out,
                                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"#bbb\"/>\n",
                                svg_x (SVG_MIN), y + 4, one - svg_x (SVG_MIN));
      g_string_append_printf (out,
                              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>\n",
                              svg_x (SVG_MIN), y + (has_reference ? 15 : 9),
                              MAX (svg_x (value) - svg_x (SVG_MIN), 2.0), colour);

      switch (row->goal.kind)
        {
        case GOAL_RATIO_AT_LEAST:
        case GOAL_RATIO_AT_MOST:
        case GOAL_RATIO_BELOW:
          goal_times = row->goal.value;
          break;
        case GOAL_OWN_MEDIAN_TIMES:
          {
            Row *base = find_row (row->goal.base);

            if (base != NULL && has_reference && row->reference > 0)
              goal_times = row->goal.value * base->streamlib / row->reference;
          }
          break;
        default:
          break;
        }
      if (!isnan (goal_times))
        g_string_append_printf (out,
                                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\" "
                                "stroke-width=\"2\"/>\n",
                                svg_x (goal_times), y + 1, svg_x (goal_times), y + 30);

      format_value (label, sizeof label, value);
      g_string_append_printf (out, "<text x=\"%d\" y=\"%.1f\">%s%s  (%s, %s is better)</text>\n",
                              SVG_LEFT + SVG_WIDTH + 8, y + 19, label,
                              has_reference ? "x" : "", row->unit,
                              row->higher_is_better ? "higher" : "lower");
    }

  g_string_append_printf (out,
                          "<text x=\"10\" y=\"%u\" fill=\"#555\">ratio = streamlib / GStreamer, both measured "
                          "in the same run; P7 = per-frame cost with 1000 idle processors / with 10; "
                          "P8 = idle CPU %%.</text>\n</svg>\n",
                          SVG_TOP + n * SVG_ROW + 30);

  return g_file_set_contents (path, out->str, out->len, error);
}
