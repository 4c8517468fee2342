package dev.orca.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainerPodsTest {
    @Test
    void threadsFollowTheCpuLimitRoundedUp() {
        assertEquals(1, TrainerPods.threads("500m"));
        assertEquals(2, TrainerPods.threads("2"));
        assertEquals(3, TrainerPods.threads("2500m"));
        assertEquals(1, TrainerPods.threads("0.1"));
    }
}
