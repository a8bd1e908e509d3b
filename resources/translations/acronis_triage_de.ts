<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CollectPage</name>
    <message>
        <source>Collecting the information…</source>
        <translation>Die Informationen werden gesammelt …</translation>
    </message>
    <message>
        <source>%p%</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>&amp;What happened? (optional)</source>
        <translation>Was ist &amp;passiert? (freiwillig)</translation>
    </message>
    <message>
        <source>In your own words: what did you see, and since when? Your technician reads this with the file.</source>
        <translation>In Ihren eigenen Worten: Was haben Sie gesehen, und seit wann? Ihr Techniker liest das zusammen mit der Datei.</translation>
    </message>
    <message>
        <source>For example: since Monday the backup shows a red error every night. The message said “Access is denied”.</source>
        <translation>Zum Beispiel: Seit Montag zeigt die Sicherung jede Nacht einen roten Fehler. Die Meldung lautete „Zugriff verweigert“.</translation>
    </message>
    <message>
        <source>What happened (optional)</source>
        <translation>Was ist passiert (freiwillig)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>Stop collecting</source>
        <translation>Sammeln anhalten</translation>
    </message>
    <message>
        <source>Stop now (Esc); what was collected so far is kept</source>
        <translation>Jetzt anhalten (Esc); was bisher gesammelt wurde, bleibt erhalten</translation>
    </message>
    <message>
        <source>Collect &amp;again</source>
        <translation>&amp;Erneut sammeln</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Weiter</translation>
    </message>
    <message>
        <source>Next: save the file</source>
        <translation>Weiter: die Datei speichern</translation>
    </message>
</context>
<context>
    <name>ConsentPage</name>
    <message>
        <source>What will be collected</source>
        <translation>Was gesammelt wird</translation>
    </message>
    <message>
        <source>Looking at this computer…</source>
        <translation>Dieser Computer wird angesehen …</translation>
    </message>
    <message>
        <source>Not collected: your documents, pictures, e-mails and other files of your own. Passwords and keys that appear in the collected records are removed.</source>
        <translation>Nicht gesammelt werden: Ihre Dokumente, Bilder, E-Mails und andere eigene Dateien. Passwörter und Schlüssel, die in den gesammelten Aufzeichnungen vorkommen, werden entfernt.</translation>
    </message>
    <message>
        <source>Nothing is sent by this program. The information is saved in one file on this computer; you decide when to send it to your technician.</source>
        <translation>Dieses Programm sendet nichts. Die Informationen werden in einer Datei auf diesem Computer gespeichert; Sie entscheiden, wann Sie sie Ihrem Techniker schicken.</translation>
    </message>
    <message>
        <source>Show the &amp;technical details</source>
        <translation>&amp;Technische Einzelheiten zeigen</translation>
    </message>
    <message>
        <source>Show the technical details</source>
        <translation>Technische Einzelheiten zeigen</translation>
    </message>
    <message>
        <source>Technical details: the collectors that will run</source>
        <translation>Technische Einzelheiten: die Sammelschritte, die ausgeführt werden</translation>
    </message>
    <message>
        <source>&amp;Collect</source>
        <translation>&amp;Sammeln</translation>
    </message>
    <message>
        <source>Collect</source>
        <translation>Sammeln</translation>
    </message>
    <message>
        <source>Agree and start collecting the information listed on this page</source>
        <translation>Zustimmen und das Sammeln der auf dieser Seite genannten Informationen starten</translation>
    </message>
    <message>
        <source>By pressing Collect you agree that this information is gathered into a file.</source>
        <translation>Mit „Sammeln“ stimmen Sie zu, dass diese Informationen in einer Datei zusammengestellt werden.</translation>
    </message>
</context>
<context>
    <name>GuidedDialogs</name>
    <message>
        <source>Save the file as</source>
        <translation>Datei speichern unter</translation>
    </message>
    <message>
        <source>Zip files (*.zip)</source>
        <translation>Zip-Dateien (*.zip)</translation>
    </message>
    <message>
        <source>Still collecting</source>
        <translation>Sammeln läuft noch</translation>
    </message>
    <message>
        <source>The information is still being collected. Stop and close the window? Nothing will be saved.</source>
        <translation>Die Informationen werden noch gesammelt. Anhalten und das Fenster schließen? Es wird nichts gespeichert.</translation>
    </message>
    <message>
        <source>The file is not saved</source>
        <translation>Die Datei ist nicht gespeichert</translation>
    </message>
    <message>
        <source>The collected information has not been saved yet and will be lost. Close anyway?</source>
        <translation>Die gesammelten Informationen sind noch nicht gespeichert und gehen verloren. Trotzdem schließen?</translation>
    </message>
</context>
<context>
    <name>GuidedWindow</name>
    <message>
        <source>Acronis Triage – information for your technician</source>
        <translation>Acronis Triage – Informationen für Ihren Techniker</translation>
    </message>
    <message>
        <source>What is collected</source>
        <translation>Was gesammelt wird</translation>
    </message>
    <message>
        <source>Collecting</source>
        <translation>Sammeln</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Case number from your technician: %1</source>
        <translation>Vorgangsnummer Ihres Technikers: %1</translation>
    </message>
    <message>
        <source>Save to &amp;Desktop</source>
        <translation>Auf dem &amp;Desktop speichern</translation>
    </message>
    <message>
        <source>Save in my &amp;home folder</source>
        <translation>In meinem &amp;Benutzerordner speichern</translation>
    </message>
    <message>
        <source>Stop collecting</source>
        <translation>Sammeln anhalten</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Only records of the last %1 days are taken.</source>
        <translation>Es werden nur Aufzeichnungen der letzten %1 Tage genommen.</translation>
    </message>
    <message>
        <source>Only records of the last day are taken.</source>
        <translation>Es werden nur Aufzeichnungen des letzten Tages genommen.</translation>
    </message>
    <message>
        <source>Only records of the last %1 hours are taken.</source>
        <translation>Es werden nur Aufzeichnungen der letzten %1 Stunden genommen.</translation>
    </message>
    <message>
        <source>This program cannot start collecting: %1. Please tell your technician.</source>
        <translation>Dieses Programm kann nicht mit dem Sammeln beginnen: %1. Bitte sagen Sie es Ihrem Techniker.</translation>
    </message>
    <message>
        <source>Nothing of what your technician asked for can be collected on this computer. Please tell your technician.</source>
        <translation>Nichts von dem, worum Ihr Techniker gebeten hat, kann auf diesem Computer gesammelt werden. Bitte sagen Sie es Ihrem Techniker.</translation>
    </message>
    <message>
        <source>Preset: %1</source>
        <translation>Vorlage: %1</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>Quelle: %1</translation>
    </message>
    <message>
        <source>the built-in demo machine</source>
        <translation>der eingebaute Vorführ-Computer</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>dieser Computer</translation>
    </message>
    <message>
        <source>Not for this computer: %1</source>
        <translation>Nicht für diesen Computer: %1</translation>
    </message>
    <message>
        <source>Not installed here: %1</source>
        <translation>Hier nicht installiert: %1</translation>
    </message>
    <message>
        <source>close this window, right-click the program and choose “Run as administrator”</source>
        <translation>schließen Sie dieses Fenster, klicken Sie mit der rechten Maustaste auf das Programm und wählen Sie „Als Administrator ausführen“</translation>
    </message>
    <message>
        <source>close this window and start the program again with sudo</source>
        <translation>schließen Sie dieses Fenster und starten Sie das Programm mit sudo erneut</translation>
    </message>
    <message>
        <source>Some information can only be read by an administrator. If you can, %1. Otherwise just continue: your technician will see what is missing.</source>
        <translation>Einige Informationen kann nur ein Administrator lesen. Wenn Sie können, %1. Sonst machen Sie einfach weiter: Ihr Techniker sieht, was fehlt.</translation>
    </message>
    <message>
        <source>Collecting the information…</source>
        <translation>Die Informationen werden gesammelt …</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>Stopping… what was collected so far is being put in the file.</source>
        <translation>Wird angehalten … was bisher gesammelt wurde, kommt in die Datei.</translation>
    </message>
    <message>
        <source>%p%</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>Gerade: %1</translation>
    </message>
    <message>
        <source>Looking for known problems…</source>
        <translation>Bekannte Probleme werden gesucht …</translation>
    </message>
    <message>
        <source>Writing the report for your technician…</source>
        <translation>Der Bericht für Ihren Techniker wird geschrieben …</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>Die Datei wird geprüft …</translation>
    </message>
    <message>
        <source>Finishing…</source>
        <translation>Wird abgeschlossen …</translation>
    </message>
    <message>
        <source>It took %1 s.</source>
        <translation>Das hat %1 s gedauert.</translation>
    </message>
    <message>
        <source>It took %1 min %2 s.</source>
        <translation>Das hat %1 min %2 s gedauert.</translation>
    </message>
    <message>
        <source>Time so far: %1 s</source>
        <translation>Bisherige Dauer: %1 s</translation>
    </message>
    <message>
        <source>Time so far: %1 min %2 s</source>
        <translation>Bisherige Dauer: %1 min %2 s</translation>
    </message>
    <message>
        <source>The file could not be made</source>
        <translation>Die Datei konnte nicht erstellt werden</translation>
    </message>
    <message>
        <source>Not finished</source>
        <translation>Nicht abgeschlossen</translation>
    </message>
    <message>
        <source>The information could not be put in a file: %1. Press “Collect again”, or tell your technician this sentence.</source>
        <translation>Die Informationen konnten nicht in eine Datei geschrieben werden: %1. Drücken Sie „Erneut sammeln“ oder nennen Sie Ihrem Techniker diesen Satz.</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>You stopped the collection. What was collected until then is in the file.</source>
        <translation>Sie haben das Sammeln angehalten. Was bis dahin gesammelt wurde, ist in der Datei.</translation>
    </message>
    <message>
        <source>Everything was collected.</source>
        <translation>Alles wurde gesammelt.</translation>
    </message>
    <message>
        <source>Most of the information was collected. Some of it could not be read (often because administrator rights are missing); the file tells your technician what is missing.</source>
        <translation>Die meisten Informationen wurden gesammelt. Einiges konnte nicht gelesen werden (oft, weil Administratorrechte fehlen); die Datei sagt Ihrem Techniker, was fehlt.</translation>
    </message>
    <message>
        <source>No Acronis program was found on this computer. If you expected one, tell your technician; send the file anyway.</source>
        <translation>Auf diesem Computer wurde kein Acronis-Programm gefunden. Wenn Sie eines erwartet haben, sagen Sie es Ihrem Techniker; schicken Sie die Datei trotzdem.</translation>
    </message>
    <message>
        <source>A first check already recognises known problems (%1). Your technician will see the details in the file.</source>
        <translation>Eine erste Prüfung erkennt bereits bekannte Probleme (%1). Ihr Techniker sieht die Einzelheiten in der Datei.</translation>
    </message>
    <message>
        <source>Press Next to save the file.</source>
        <translation>Drücken Sie „Weiter“, um die Datei zu speichern.</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgegangen</translation>
    </message>
    <message>
        <source>The program stopped on an internal error: %1. Press “Collect again”, or tell your technician this sentence.</source>
        <translation>Das Programm ist wegen eines internen Fehlers stehen geblieben: %1. Drücken Sie „Erneut sammeln“ oder nennen Sie Ihrem Techniker diesen Satz.</translation>
    </message>
    <message>
        <source>The file holds all the information collected. Save it where you will find it again: %1</source>
        <translation>Die Datei enthält alle gesammelten Informationen. Speichern Sie sie dort, wo Sie sie wiederfinden: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Your description of what happened is put in the file.</source>
        <translation>Ihre Beschreibung, was passiert ist, kommt mit in die Datei.</translation>
    </message>
    <message>
        <source>You have not written what happened. It helps your technician: press Back to add a few words, or save without them.</source>
        <translation>Sie haben nicht beschrieben, was passiert ist. Es hilft Ihrem Techniker: Drücken Sie „Zurück“, um ein paar Worte hinzuzufügen, oder speichern Sie ohne.</translation>
    </message>
    <message>
        <source>%1 KB</source>
        <translation>%1 KB</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert …</translation>
    </message>
    <message>
        <source>The file could not be saved there: %1. Choose another place with “Save somewhere else…”.</source>
        <translation>Die Datei konnte dort nicht gespeichert werden: %1. Wählen Sie mit „Woanders speichern …“ einen anderen Ort.</translation>
    </message>
    <message>
        <source>The file is saved on your Desktop:</source>
        <translation>Die Datei ist auf Ihrem Desktop gespeichert:</translation>
    </message>
    <message>
        <source>The file is saved here:</source>
        <translation>Die Datei ist hier gespeichert:</translation>
    </message>
    <message>
        <source>1. Write an e-mail to your technician, or open the upload page they gave you.</source>
        <translation>1. Schreiben Sie Ihrem Techniker eine E-Mail oder öffnen Sie die Upload-Seite, die er Ihnen genannt hat.</translation>
    </message>
    <message>
        <source>2. Attach the file %1.</source>
        <translation>2. Hängen Sie die Datei %1 an.</translation>
    </message>
    <message>
        <source>3. Write your case number %1 in the subject.</source>
        <translation>3. Schreiben Sie Ihre Vorgangsnummer %1 in den Betreff.</translation>
    </message>
    <message>
        <source>3. Write in one sentence which computer the file comes from.</source>
        <translation>3. Schreiben Sie in einem Satz, von welchem Computer die Datei stammt.</translation>
    </message>
    <message>
        <source>Send it to: %1</source>
        <translation>Schicken Sie sie an: %1</translation>
    </message>
    <message>
        <source>The file is large (%1). Many e-mail services refuse attachments this big: ask your technician for an upload link.</source>
        <translation>Die Datei ist groß (%1). Viele E-Mail-Dienste lehnen so große Anhänge ab: Bitten Sie Ihren Techniker um einen Upload-Link.</translation>
    </message>
    <message>
        <source>The folder could not be opened on this computer. The file is here: %1</source>
        <translation>Der Ordner konnte auf diesem Computer nicht geöffnet werden. Die Datei ist hier: %1</translation>
    </message>
    <message>
        <source>The file&apos;s location is copied. Paste it with Ctrl+V, for example into the e-mail&apos;s attachment dialog.</source>
        <translation>Der Speicherort der Datei ist kopiert. Fügen Sie ihn mit Strg+V ein, zum Beispiel im Anhang-Dialog der E-Mail.</translation>
    </message>
</context>
<context>
    <name>GuidedWords</name>
    <message>
        <source>Acronis logs and settings</source>
        <translation>Acronis-Protokolle und -Einstellungen</translation>
    </message>
    <message>
        <source>The Acronis programs write down every backup and every error. This shows your technician what went wrong. Passwords and keys in the settings are removed.</source>
        <translation>Die Acronis-Programme schreiben jede Sicherung und jeden Fehler auf. Das zeigt Ihrem Techniker, was schiefgegangen ist. Passwörter und Schlüssel in den Einstellungen werden entfernt.</translation>
    </message>
    <message>
        <source>Whether the Acronis programs are running</source>
        <translation>Ob die Acronis-Programme laufen</translation>
    </message>
    <message>
        <source>Acronis works through programs that run in the background. If one of them has stopped, backups cannot run.</source>
        <translation>Acronis arbeitet mit Programmen, die im Hintergrund laufen. Wenn eines davon angehalten ist, können keine Sicherungen laufen.</translation>
    </message>
    <message>
        <source>The disk snapshot helpers</source>
        <translation>Die Helfer für Festplatten-Momentaufnahmen</translation>
    </message>
    <message>
        <source>Before a backup, the computer takes a quick picture of each disk (a snapshot). When the helpers that do this fail, the backup fails.</source>
        <translation>Vor einer Sicherung macht der Computer ein schnelles Abbild jeder Festplatte (eine Momentaufnahme). Wenn die Helfer dafür versagen, schlägt die Sicherung fehl.</translation>
    </message>
    <message>
        <source>Disks and free space</source>
        <translation>Festplatten und freier Speicherplatz</translation>
    </message>
    <message>
        <source>A full or damaged disk is a common reason for a failed backup.</source>
        <translation>Eine volle oder beschädigte Festplatte ist ein häufiger Grund für eine fehlgeschlagene Sicherung.</translation>
    </message>
    <message>
        <source>The computer&apos;s own error journal</source>
        <translation>Das Fehlerprotokoll des Computers</translation>
    </message>
    <message>
        <source>The operating system keeps a journal of its errors. It often explains why a backup stopped.</source>
        <translation>Das Betriebssystem führt ein Protokoll seiner Fehler. Es erklärt oft, warum eine Sicherung abgebrochen ist.</translation>
    </message>
    <message>
        <source>The connection to the Acronis cloud</source>
        <translation>Die Verbindung zur Acronis-Cloud</translation>
    </message>
    <message>
        <source>Whether this computer can reach Acronis over the internet, and its proxy settings (passwords removed).</source>
        <translation>Ob dieser Computer Acronis über das Internet erreicht, und seine Proxy-Einstellungen (Passwörter entfernt).</translation>
    </message>
    <message>
        <source>Basic facts about this computer</source>
        <translation>Grunddaten dieses Computers</translation>
    </message>
    <message>
        <source>The version of the operating system, the memory and the installed updates: some problems only happen with certain versions.</source>
        <translation>Die Version des Betriebssystems, der Arbeitsspeicher und die installierten Updates: Manche Probleme treten nur bei bestimmten Versionen auf.</translation>
    </message>
</context>
<context>
    <name>SavePage</name>
    <message>
        <source>Save the file</source>
        <translation>Die Datei speichern</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Zurück</translation>
    </message>
    <message>
        <source>Back to the description of what happened</source>
        <translation>Zurück zur Beschreibung, was passiert ist</translation>
    </message>
    <message>
        <source>Save somewhere &amp;else…</source>
        <translation>&amp;Woanders speichern …</translation>
    </message>
    <message>
        <source>Save to &amp;Desktop</source>
        <translation>Auf dem &amp;Desktop speichern</translation>
    </message>
</context>
<context>
    <name>SendPage</name>
    <message>
        <source>Send the file to your technician</source>
        <translation>Die Datei an Ihren Techniker schicken</translation>
    </message>
    <message>
        <source>Where the file is saved</source>
        <translation>Wo die Datei gespeichert ist</translation>
    </message>
    <message>
        <source>How to send it</source>
        <translation>So schicken Sie sie</translation>
    </message>
    <message>
        <source>&amp;Show the file</source>
        <translation>Datei &amp;zeigen</translation>
    </message>
    <message>
        <source>Show the file in its folder</source>
        <translation>Die Datei in ihrem Ordner zeigen</translation>
    </message>
    <message>
        <source>C&amp;opy the file&apos;s location</source>
        <translation>Speicherort &amp;kopieren</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>Finish and close this window</source>
        <translation>Fertig: dieses Fenster schließen</translation>
    </message>
</context>
</TS>
