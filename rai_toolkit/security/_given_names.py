"""A small list of common given names, used to recognise person-name columns.

The list was written for this package: roughly two hundred frequent given names
from many languages and regions (English, Spanish, Portuguese, French, German,
Italian, Dutch, Nordic, Slavic, Greek, Turkish, Arabic, Persian, South Asian,
East and South-East Asian, African). It only has to recognise that a column
*looks like* it holds names, so it is deliberately short; names that are also
common English words ("Will", "May", "Grace") are left out.
"""

from __future__ import annotations

__all__ = ["GIVEN_NAMES"]

_NAMES = """
james john robert michael david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald
edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott
brandon benjamin samuel gregory alexander patrick jack dennis jerry tyler aaron henry
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy
betty margaret sandra ashley kimberly emily donna michelle carol amanda melissa deborah
stephanie rebecca sharon laura cynthia kathleen amy angela helen anna brenda emma olivia
sophia isabella charlotte amelia mia harper evelyn abigail ella chloe lucy oliver noah
liam ethan lucas mason logan harry oscar
maria jose juan carlos luis jorge miguel pedro alejandro diego javier manuel francisco
antonio rafael fernando sofia valentina camila lucia carmen ana rosa isabel elena paula
joao gabriel mateus beatriz mariana fernanda
jean pierre michel philippe nicolas julien camille chloe manon pauline marie sophie claire
hans klaus jurgen wolfgang stefan andreas markus lukas felix maximilian julia katharina
anja sabine ursula heike giuseppe giovanni marco luca francesco alessandro matteo
giulia chiara francesca federica sara
jan pieter willem daan sven lars erik nils ingrid astrid freja sigrid
ivan dmitri sergei vladimir alexei mikhail olga natalia svetlana tatiana irina ekaterina
piotr tomasz krzysztof agnieszka katarzyna malgorzata
nikos giorgos dimitris eleni katerina
mehmet mustafa ahmet emre ayse fatma zeynep elif
mohammed muhammad ahmed ali omar hassan hussein ibrahim youssef khalid mahmoud fatima aisha
mariam layla noor zainab amina khadija salma yasmin
reza hossein mehdi maryam zahra
rahul amit raj sanjay vijay arjun rohan vikram anil sunil priya anjali pooja neha deepa
lakshmi kavya divya sunita
wei jun li hui ying xin jing lei fang ming hao yan
hiroshi takashi kenji yuki haruto sakura yui hina akira
minjun seojun jiwoo seoyeon jisoo jiho
nguyen minh linh thanh
oluwaseun chinedu emeka ngozi chiamaka adebayo kwame kofi abena amara wanjiru baraka
thabo sipho themba zanele
"""

#: Lower-case given names (frozen set).
GIVEN_NAMES: frozenset[str] = frozenset(_NAMES.split())
