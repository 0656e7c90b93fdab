package org.contrast4j.djl.train;

import org.contrast4j.linalg.Matrix;

/**
 * One evaluation of the objective on a batch's two views: the value, its gradients with respect to the raw
 * (unnormalised) head outputs of view 1 and view 2, and ∂L/∂log τ (0 when the temperature is fixed or absent).
 */
record LossStep(double value, Matrix gradView1, Matrix gradView2, double logTemperatureGradient) {
}
