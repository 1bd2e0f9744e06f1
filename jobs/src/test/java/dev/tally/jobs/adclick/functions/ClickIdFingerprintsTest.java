package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClickIdFingerprintsTest {

    // String.hashCode, the fingerprint: "Aa" and "BB" hash alike, and so does "C#".
    private static final String A = "AaX";
    private static final String B = "BBX";
    private static final String C = "C#X";

    @Test
    void anIdNeverAddedIsAbsentUnlessItSharesAFingerprint() {
        ClickIdFingerprints ids = new ClickIdFingerprints();
        assertThat(ids.mightContain("c1")).isFalse();
        ids.add("c1");
        assertThat(ids.mightContain("c1")).isTrue();
        assertThat(ids.mightContain("c2")).isFalse();

        assertThat(A.hashCode()).isEqualTo(B.hashCode()).isEqualTo(C.hashCode());
        ids.add(A);
        assertThat(ids.mightContain(B)).isTrue();
    }

    @Test
    void removingOneIdKeepsTheOthersWithItsFingerprint() {
        ClickIdFingerprints ids = new ClickIdFingerprints();
        ids.add(A);
        ids.add(B);
        ids.add(C);
        assertThat(ids.size()).isEqualTo(3);

        ids.remove(A);
        assertThat(ids.mightContain(B)).isTrue();
        ids.remove(C);
        assertThat(ids.mightContain(B)).isTrue();
        ids.remove(B);
        assertThat(ids.mightContain(B)).isFalse();
        assertThat(ids.size()).isZero();
    }

    @Test
    void manyIdsAreAllFoundAndAllForgotten() {
        ClickIdFingerprints ids = new ClickIdFingerprints();
        for (int i = 0; i < 100_000; i++) {
            ids.add("click-" + i);
        }
        for (int i = 0; i < 100_000; i++) {
            assertThat(ids.mightContain("click-" + i)).isTrue();
        }
        for (int i = 0; i < 100_000; i++) {
            ids.remove("click-" + i);
        }
        assertThat(ids.size()).isZero();
        assertThat(ids.mightContain("click-0")).isFalse();
    }

    @Test
    void removingAnIdThatWasNeverAddedIsABug() {
        ClickIdFingerprints ids = new ClickIdFingerprints();
        assertThatThrownBy(() -> ids.remove("c1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("click id c1 was not remembered");
    }
}
