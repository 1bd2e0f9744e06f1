package dev.tally.dashboard;

/** A query parameter that breaks a rule; answered 400 with the parameter and the rule. */
public final class BadParameter extends RuntimeException {

    private final String parameter;

    public BadParameter(String parameter, String rule) {
        super(rule);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
