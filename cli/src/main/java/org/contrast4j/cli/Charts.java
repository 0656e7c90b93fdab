package org.contrast4j.cli;

import java.math.BigDecimal;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** What the HTML reports' charts share: tick labels with the precision the data need, legends that do not cover data. */
final class Charts {
    private Charts() {
    }

    /**
     * Tick labels of {@code chart}'s y axis with as many decimals as its data's range needs (about five ticks over the
     * range: a range of 0.3 gets "0.05"-style labels with two decimals, never ".05").
     */
    static XYChart ticks(XYChart chart) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        if (lo <= hi && !chart.getStyler().isYAxisLogarithmic()) {
            chart.getStyler().setYAxisDecimalPattern(pattern(decimals(lo, hi)));
        }
        return chart;
    }

    /** Decimals for ticks about a fifth of the range apart (at least one digit changes from tick to tick). */
    static int decimals(double lo, double hi) {
        double range = hi - lo;
        double scale = Math.max(Math.abs(lo), Math.abs(hi));
        double step = range > 1e-12 * Math.max(1, scale) ? range / 5 : Math.max(scale, 1e-12) / 5;
        return (int) Math.max(0, Math.min(8, Math.ceil(-Math.log10(step))));
    }

    /** A DecimalFormat pattern with {@code decimals} digits after the point and a leading zero. */
    static String pattern(int decimals) {
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    /**
     * The legend below the plot, one series a line: it never covers a line, and long series names fit the width (a
     * one-row legend of six runs does not fit 560 pixels). Give the chart about 17 pixels of height per series.
     */
    static XYChart legendBelow(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Vertical);
        return chart;
    }

    /** A fixed-point number that never reads "-0.000" (a tiny negative rounds to an unsigned zero). */
    static String fixed(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0\\.?0*") ? s.substring(1) : s;
    }

    /** A number for a label or a sentence: at most {@code significant} digits, no trailing zeros (0.05, not 0.0500). */
    static String compact(double v, int significant) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        String s = String.format(Locale.ROOT, "%." + significant + "g", v);
        if (s.contains("e")) {
            return s;
        }
        return new BigDecimal(s).stripTrailingZeros().toPlainString();
    }

    /** "1 epoch", "2 epochs": {@code n} and the noun, plural unless n is 1. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
