package org.contrast4j.text.adapter;

/**
 * The two adapter architectures of {@link Adapter}.
 * <ul>
 *   <li>{@link #LINEAR}: y = W·x + b, W ∈ ℝ^{D'×D}, initialised to the identity (W_ij = [i = j], b = 0), so an
 *       untrained adapter with D' = D returns its input;</li>
 *   <li>{@link #MLP}: the residual block y = x + W₂·relu(W₁·x + b₁) + b₂, W₁ ∈ ℝ^{H×D}, W₂ ∈ ℝ^{D×H}, with W₂ and b₂
 *       initialised to zero (so again the identity) and W₁, b₁ uniform in ±1/√D (PyTorch's {@code nn.Linear}
 *       default), seeded.</li>
 * </ul>
 * Either way the adapter's output is L2-normalised: out = y / max(‖y‖, 10⁻¹²).
 */
public enum AdapterKind {
    /** y = W·x + b. */
    LINEAR,
    /** y = x + W₂·relu(W₁·x + b₁) + b₂. */
    MLP;

    /** "linear" or "mlp". */
    public String key() {
        return this == LINEAR ? "linear" : "mlp";
    }

    /**
     * The kind named {@code name} ("linear" or "mlp", any case).
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static AdapterKind parse(String name) {
        if (name != null) {
            for (AdapterKind k : values()) {
                if (k.key().equalsIgnoreCase(name.strip())) {
                    return k;
                }
            }
        }
        throw new IllegalArgumentException("adapter kind must be linear or mlp, was " + name);
    }
}
