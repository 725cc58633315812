<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>InspectionEditor</name>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n match</numerusform>
            <numerusform>%n matches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ItemDetail</name>
    <message numerus="yes">
        <source>Photos (%n)</source>
        <translation>
            <numerusform>Photos (%n)</numerusform>
            <numerusform>Photos (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LivePanel</name>
    <message numerus="yes">
        <source>%n required item(s) unanswered</source>
        <translation>
            <numerusform>%n required item unanswered</numerusform>
            <numerusform>%n required items unanswered</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n required photo(s) missing</source>
        <translation>
            <numerusform>%n required photo missing</numerusform>
            <numerusform>%n required photos missing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Failed items → findings (%n)</source>
        <translation>
            <numerusform>Failed items → findings (%n)</numerusform>
            <numerusform>Failed items → findings (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message numerus="yes">
        <source>%n failed item(s)</source>
        <translation>
            <numerusform>%n failed item</numerusform>
            <numerusform>%n failed items</numerusform>
        </translation>
    </message>
</context>
</TS>
