package dev.cpdb.issue.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What counts as a mention of an issue: our own rule, documented in {@link IssueMentions}. */
class IssueMentionsTest {

    @Test
    void standAloneIdentifiersOfTheCompanyAreMentionsInOrderWithoutDuplicates() {
        assertEquals(List.of("ACME-12", "ACME-3"),
                List.copyOf(IssueMentions.in("See ACME-12, (ACME-3) and again ACME-12.", "ACME")));
    }

    @Test
    void identifiersInsideWordsOrWithLeadingZerosOrOfOtherCompaniesAreNot() {
        assertEquals(List.of(), List.copyOf(IssueMentions.in(
                "XACME-1 ACME-1b ACME-01 ACME- ACME-0 acme-5 ACMEX-2 BETA-7 ACME_1", "ACME")));
    }

    @Test
    void punctuationAndLineBreaksDelimitMentions() {
        assertEquals(List.of("AB-1", "AB-2", "AB-3"), List.copyOf(IssueMentions.in("AB-1\nAB-2:AB-3-", "AB")));
    }

    @Test
    void emptyOrMissingTextHasNoMentions() {
        assertEquals(List.of(), List.copyOf(IssueMentions.in(null, "AB")));
        assertEquals(List.of(), List.copyOf(IssueMentions.in("", "AB")));
    }
}
