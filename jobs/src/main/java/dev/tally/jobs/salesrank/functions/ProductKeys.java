package dev.tally.jobs.salesrank.functions;

/**
 * The key of a (category, product): the two ids joined by a control character, which the validator
 * refuses in ids, so no two pairs share a key.
 */
public final class ProductKeys {

    static final char SEPARATOR = '\u0001';

    private ProductKeys() {}

    public static String of(String categoryId, String productId) {
        return categoryId + SEPARATOR + productId;
    }

    public static String categoryOf(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }

    public static String productOf(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }
}
