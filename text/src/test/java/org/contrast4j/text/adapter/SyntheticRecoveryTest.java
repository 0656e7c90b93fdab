package org.contrast4j.text.adapter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.retrieval.HardNegativeMiner;
import org.junit.jupiter.api.Test;

/**
 * Training on a task where a known linear map relates queries and documents (documents = R·queries + noise, R a random
 * rotation) must recover it: the trained adapter's validation recall@1 clearly beats the frozen embeddings'.
 */
class SyntheticRecoveryTest {
    private static final int D = 16;

    private static void check(AdapterTrainer trainer, String what) {
        double[][] r = Synthetic.rotation(D, 11);
        Pairs train = Synthetic.pairs(1500, D, r, 0.3, 1);
        Pairs valid = Synthetic.pairs(300, D, r, 0.3, 2);
        AdapterTraining run = trainer.start(train, valid);
        while (!run.done()) {
            run.runEpoch();
        }
        RetrievalScores frozen = run.frozenValidation();
        RetrievalScores trained = run.bestValidation();
        // the frozen embeddings rank documents of a random rotation at chance; the adapter must close most of the gap
        assertTrue(trained.recallAt1() > frozen.recallAt1() + 0.5 * (1 - frozen.recallAt1()),
                what + ": frozen " + frozen + ", trained " + trained);
        assertTrue(trained.mrrAt10() > frozen.mrrAt10(), what);
    }

    @Test
    void linearAdapterRecoversARotation() {
        check(AdapterTrainer.builder().epochs(8).batchSize(64).learningRate(1e-2).threads(1).build(), "linear");
    }

    @Test
    void mlpAdapterRecoversARotation() {
        check(AdapterTrainer.builder().kind(AdapterKind.MLP).hidden(32).epochs(8).batchSize(64).learningRate(1e-2)
                .threads(1).build(), "mlp");
    }

    @Test
    void linearAdapterWithMinedNegativesMatryoshkaAndGist() {
        check(AdapterTrainer.builder().epochs(8).batchSize(64).learningRate(1e-2).threads(1)
                .hardNegatives(HardNegativeMiner.builder(2).rangeMax(20).threads(1).build(),
                        AdapterTrainer.Mining.PER_EPOCH)
                .matryoshkaDims(8, 16).gist(true).gistMargin(0.1).build(), "linear+negatives+matryoshka+gist");
    }
}
