package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The records between operators: Flink POJOs (so they never fall back to Kryo) built as the design says. */
class RecordTypesTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                ClickCount.class,
                CountKey.class,
                AdFilterKey.class,
                RankingKey.class,
                AdTotal.class,
                TopCandidates.class
            })
    void isAPojo(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void candidateListsUseTheListSerializer() {
        PojoTypeInfo<TopCandidates> type = (PojoTypeInfo<TopCandidates>) TypeInformation.of(TopCandidates.class);
        TypeInformation<?> ads = type.getTypeAt(type.getFieldIndex("ads"));
        assertThat(ads).isInstanceOf(ListTypeInfo.class);
        assertThat(((ListTypeInfo<?>) ads).getElementTypeInfo()).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void clickCountFactoriesFollowTheDesign() {
        assertThat(ClickCount.forCountry("ad1", null, AdClicks.T0, 2))
                .isEqualTo(new ClickCount("ad1", ClickCount.COUNTRY_DIMENSION, "", AdClicks.T0, 2));
        assertThat(ClickCount.forFilter("ad1", 3, AdClicks.T0, 2).country).isEmpty();
        assertThat(ClickCount.COUNTRY_DIMENSION).isEqualTo(-1);
    }

    @Test
    void minutesFloorTowardsNegativeInfinity() {
        assertThat(Minutes.start(AdClicks.T0 + 59_999)).isEqualTo(AdClicks.T0);
        assertThat(Minutes.start(-1)).isEqualTo(-60_000);
        assertThat(Minutes.maxTimestamp(AdClicks.T0)).isEqualTo(AdClicks.T0 + 59_999);
    }
}
