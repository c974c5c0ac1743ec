package io.gitwatch.polling;

/** The CDI event of this replica becoming ({@code leading}) or ceasing to be the one that polls. */
public record Leadership(boolean leading) {}
