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
     * Tick labels with the precision the data need, on both axes: up to as many decimals as ticks a twentieth of the
     * range apart need, printed only when they are not zeros ({@code 0.05}, {@code 0.1}, never {@code .05} or the
     * 16 digits of a double, which XChart prints at the ends of an axis whose ticks it cannot label uniquely). An x
     * axis of whole numbers (epochs) is left to XChart.
     */
    static XYChart ticks(XYChart chart) {
        double ylo = Double.POSITIVE_INFINITY;
        double yhi = Double.NEGATIVE_INFINITY;
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        boolean integerX = true;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                if (Double.isFinite(y)) {
                    ylo = Math.min(ylo, y);
                    yhi = Math.max(yhi, y);
                }
            }
            for (double x : s.getXData()) {
                if (Double.isFinite(x)) {
                    xlo = Math.min(xlo, x);
                    xhi = Math.max(xhi, x);
                    integerX &= x == Math.rint(x);
                }
            }
        }
        if (ylo <= yhi && !chart.getStyler().isYAxisLogarithmic()) {
            chart.getStyler().setYAxisDecimalPattern(pattern(decimals(ylo, yhi)));
        }
        if (xlo <= xhi && !integerX && !chart.getStyler().isXAxisLogarithmic()) {
            chart.getStyler().setXAxisDecimalPattern(pattern(decimals(xlo, xhi)));
        }
        return chart;
    }

    /** Decimals enough for ticks a twentieth of the range apart (XChart's steps are never finer), plus one. */
    static int decimals(double lo, double hi) {
        double range = hi - lo;
        double scale = Math.max(Math.abs(lo), Math.abs(hi));
        double step = range > 1e-12 * Math.max(1, scale) ? range / 20 : Math.max(scale, 1e-12) / 20;
        return (int) Math.max(1, Math.min(8, Math.ceil(-Math.log10(step)) + 1));
    }

    /** A DecimalFormat pattern: a leading zero, up to {@code decimals} digits after the point, trailing zeros dropped. */
    static String pattern(int decimals) {
        return "0." + "#".repeat(decimals);
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
